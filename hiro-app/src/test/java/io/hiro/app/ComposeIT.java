package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * docker-compose.yml is valid (no Docker engine runs here; {@code config} needs none), and its
 * workers get the cluster secret the master creates.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ComposeIT {
  @Test
  void composeFileIsValid() throws Exception {
    boolean inCi = "true".equals(System.getenv("CI"));
    boolean installed = new ProcessBuilder("sh", "-c", "command -v docker-compose").start().waitFor() == 0;
    // CI installs docker-compose (.ci/run), so there a missing tool is a failure, not a skip.
    assumeTrue(installed || inCi, "docker-compose is not installed; .ci/run installs it");
    Process process = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "config", "-q")
        .directory(HiroCli.REPO.toFile()).redirectErrorStream(true).start();
    assertThat(process.waitFor(50, TimeUnit.SECONDS)).isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isZero();

    Process config = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "config")
        .directory(HiroCli.REPO.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String resolved = new String(config.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(config.waitFor(50, TimeUnit.SECONDS)).isTrue();
    assertThat(resolved).as("the master keeps the secret in the shared volume")
        .contains("- --secret-file\n    - /secret/cluster.secret", "- cluster-secret:/secret:rw");
    assertThat(resolved.split("- cluster-secret:/secret:ro", -1)).as("every worker mounts it").hasSize(4);
    assertThat(resolved.split("HIRO_SECRET_FILE: /secret/cluster.secret", -1)).as("and finds it").hasSize(5);
  }
}
