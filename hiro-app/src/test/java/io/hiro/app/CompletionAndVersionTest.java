package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.cli.CliErrors;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CompletionAndVersionTest {
  private final StringWriter out = new StringWriter();

  private int run(String... args) {
    CommandLine command = CliErrors.install(Main.commandLine());
    command.setOut(new PrintWriter(out, true));
    return command.execute(args);
  }

  @Test
  void completionPrintsABashScriptThatKnowsEveryCommandAndOption() {
    assertThat(run("completion")).isZero();

    assertThat(out.toString()).contains("complete -F _complete_hiro", "bashcompinit")
        .contains("master", "worker", "client", "admin", "completion")
        .contains("--http-port", "--log-level", "--replication");
  }

  @Test
  void theVersionNamesTheCommitAndTheBuildTime() throws Exception {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("hiro ").contains(", commit ", ", built ", "(Java ");

    Properties properties = new Properties();
    try (InputStream in = Main.class.getResourceAsStream("/hiro-version.properties")) {
      properties.load(in);
    }
    assertThat(properties.getProperty("commit")).isNotBlank().doesNotContain("${");
    assertThat(properties.getProperty("buildTime")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
  }
}
