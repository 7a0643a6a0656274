package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * When {@code bin/hiro} builds the jar again: after an edit of what the build reads, and not after an
 * edit of anything else. Runs a copy of the script in a checkout of its own whose {@code bin/mvn}
 * only records that it was run, so no real build is made.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BinHiroRebuildTest {
  private static final Instant JAR_TIME = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant LATER = JAR_TIME.plusSeconds(3_600);

  @TempDir Path dir;
  private Path checkout;
  private Path built;

  @BeforeEach
  void copyTheScripts() throws IOException {
    // A space and a glob pattern's characters in the checkout's path, which find's -path would read as a pattern.
    checkout = Files.createDirectories(dir.resolve("my hiro [2]"));
    Path bin = Files.createDirectories(checkout.resolve("bin"));
    for (String script : List.of("hiro", "find-java")) {
      Files.copy(HiroCli.REPO.resolve("bin").resolve(script), bin.resolve(script));
    }
    Path deploy = Files.createDirectories(checkout.resolve("deploy"));
    Files.copy(HiroCli.REPO.resolve("deploy").resolve("hiro-jvm-options"), deploy.resolve("hiro-jvm-options"));
    built = checkout.resolve("mvn-was-run");
    Path mvn = bin.resolve("mvn");
    Files.writeString(mvn, "#!/usr/bin/env bash\ntouch \"" + built + "\"\n");
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
    write("hiro-app/target/hiro.jar", JAR_TIME);
    write("pom.xml", JAR_TIME);
    write("hiro-client/src/main/java/io/hiro/client/Client.java", JAR_TIME);
  }

  @Test
  void buildsWhenASourceOfTheBuildIsNewerThanTheJar() throws IOException {
    write("hiro-client/src/main/java/io/hiro/client/Client.java", LATER);

    runHiro();

    assertThat(built).as("bin/mvn run").exists();
  }

  @Test
  void buildsWhenAPomIsNewerThanTheJar() throws IOException {
    write("pom.xml", LATER);

    runHiro();

    assertThat(built).as("bin/mvn run").exists();
  }

  @Test
  void doesNotBuildWhenNothingIsNewerThanTheJar() throws IOException {
    runHiro();

    assertThat(built).as("bin/mvn run").doesNotExist();
  }

  @Test
  void doesNotBuildForAnEditedProbeOrATargetDir() throws IOException {
    // docs/probes holds programs compiled by hand against a copy of the jar; editing one made the next
    // hiro command wait a minute for a build that changed nothing (session 30).
    write("docs/probes/Big.java", LATER);
    write("hiro-client/target/generated-sources/Gen.java", LATER);

    runHiro();

    assertThat(built).as("bin/mvn run").doesNotExist();
  }

  private void runHiro() {
    // The jar is empty, so java refuses it: the script got past its check to the command.
    HiroCli.Result result = HiroCli.runProgram(checkout, Map.of("HIRO_CDS", "0"),
        List.of(checkout.resolve("bin/hiro").toString(), "--version"));
    assertThat(result.stderr()).as(result.toString()).contains("corrupt jarfile");
  }

  private void write(String path, Instant time) throws IOException {
    Path file = checkout.resolve(path);
    Files.createDirectories(file.getParent());
    if (!Files.exists(file)) {
      Files.writeString(file, "");
    }
    Files.setLastModifiedTime(file, FileTime.from(time));
  }
}
