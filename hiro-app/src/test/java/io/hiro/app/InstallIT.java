package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/install.sh --files-only}: the installed {@code hiro} command runs the installed jar
 * on the Java the script found, and maps the class archive the script made, through a symlink as
 * {@code /usr/local/bin/hiro} is one (the part of an install that needs neither root nor systemd).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InstallIT {
  private static final Path INSTALL = HiroCli.REPO.resolve("deploy").resolve("install.sh");
  private static final Path JAR = HiroCli.REPO.resolve("hiro-app").resolve("target").resolve("hiro.jar");
  private static final String MAIN_FROM_ARCHIVE = "io.hiro.app.Main source: shared objects file";

  @TempDir Path dir;

  @Test
  void theInstalledCommandRunsTheJarWithTheClassArchiveMadeAtInstall() throws IOException {
    Path prefix = dir.resolve("opt-hiro");
    HiroCli.Result install = HiroCli.runProgram(dir, Map.of(),
        List.of(INSTALL.toString(), "--files-only", "--prefix", prefix.toString(), JAR.toString()));
    assertThat(install.exitCode()).as(install.toString()).isZero();
    assertThat(install.stdout()).as(install.toString()).contains("installed in " + prefix);
    try (var files = Files.list(prefix)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .as("the class archive in " + prefix).containsAnyOf("hiro.aot", "hiro.jsa");
    }
    Path command = Files.createSymbolicLink(dir.resolve("hiro"), prefix.resolve("bin").resolve("hiro"));

    HiroCli.Result version = HiroCli.runProgram(dir, Map.of(), List.of(command.toString(), "--version"));
    assertThat(version.exitCode()).as(version.toString()).isZero();
    assertThat(version.stdout()).startsWith("hiro ");
    assertThat(classesLoaded(command, Map.of(), "archived")).contains(MAIN_FROM_ARCHIVE);
    assertThat(classesLoaded(command, Map.of("HIRO_CDS", "0"), "off"))
        .contains("io.hiro.app.Main source: ").doesNotContain(MAIN_FROM_ARCHIVE);
  }

  @Test
  void aPrefixWithoutFilesOnlyIsRefusedBeforeAnythingIsWritten() {
    Path prefix = dir.resolve("opt-hiro");
    HiroCli.Result install = HiroCli.runProgram(dir, Map.of(),
        List.of(INSTALL.toString(), "--prefix", prefix.toString(), JAR.toString()));
    assertThat(install.exitCode()).as(install.toString()).isNotZero();
    assertThat(install.stderr()).contains("--prefix goes with --files-only");
    assertThat(prefix).doesNotExist();
  }

  /** The classes a failing {@code hiro client stat} of the installed command loaded, and from where. */
  private String classesLoaded(Path command, Map<String, String> env, String name) throws IOException {
    Path log = dir.resolve(name + "-classes.txt");
    Map<String, String> logged = new HashMap<>(env);
    logged.put("HIRO_SECRET", "00".repeat(32));
    logged.put("HIRO_JAVA_OPTS", "-Xlog:class+load=info:file=" + log);
    HiroCli.Result run = HiroCli.runProgram(dir, logged,
        List.of(command.toString(), "client", "stat", "/", "-m", "127.0.0.1:1"));
    assertThat(run.stderr()).as(run.toString()).contains("hiro: master 127.0.0.1:1 unreachable");
    return Files.readString(log);
  }
}
