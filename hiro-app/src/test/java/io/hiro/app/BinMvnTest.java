package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/mvn}, which {@code bin/hiro} runs to build the jar on first use. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BinMvnTest {
  @TempDir Path dir;

  @Test
  void runsTheSystemMavenWhenTheReposBinIsFirstOnThePath() {
    // A newcomer who puts the repo's bin/ on PATH to type `hiro`: a plain `exec mvn` in bin/mvn found
    // bin/mvn itself and ran it again without end ("Argument list too long"), so the build failed.
    Path bin = HiroCli.REPO.resolve("bin");
    String path = bin + File.pathSeparator + System.getenv("PATH");

    HiroCli.Result result = HiroCli.runProgram(dir, Map.of("PATH", path), List.of(bin.resolve("mvn").toString(), "-v"));

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).contains("Apache Maven");
  }
}
