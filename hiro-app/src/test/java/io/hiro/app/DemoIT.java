package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DemoIT {
  @TempDir Path dir;

  @Test
  void demoPutsAndVerifiesASampleFileThenStopsEverything() {
    HiroCli.Result demo = HiroCli.run(dir, Map.of(), "demo", "--dir", dir.resolve("demo").toString());

    assertThat(demo.exitCode()).as(demo.toString()).isZero();
    assertThat(demo.stdout()).contains("Where each piece went:", "matches the original", "Demo OK");
    // Every process the demo started has stopped: no java process has the demo dir on its command line.
    String demoDir = dir.resolve("demo").toString();
    assertThat(ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(demoDir)).orElse(false)))
        .as("processes left running").isEmpty();
  }

  @Test
  void helpListsEveryCommand() {
    HiroCli.Result help = HiroCli.run(dir, Map.of(), "--help");
    assertThat(help.exitCode()).as(help.toString()).isZero();
    assertThat(help.stdout()).contains("master", "worker", "client", "admin", "demo");
  }
}
