package io.hiro.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CompilerThreadsTest {
  @Test
  void aCompilerThreadsStatLineGivesItsUserAndSystemTicks() {
    // proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime ...
    String c2 = "4242 (C2 CompilerThre) S 4200 4200 4200 0 -1 4194368 1200 0 0 0 731 12 0 0 20 0 40 0\n";
    String c1 = "4243 (C1 CompilerThre) S 4200 4200 4200 0 -1 4194368 1200 0 0 0 88 3 0 0 20 0 40 0\n";
    String worker = "4244 (grpc-default-w) R 4200 4200 4200 0 -1 4194368 1200 0 0 0 9000 500 0 0 20 0 40 0\n";
    // a thread may name itself anything, parentheses and spaces included
    String odd = "4245 (x) (C2 CompilerThre) R 4200 4200 4200 0 -1 4194368 1200 0 0 0 5 5 0 0 20 0 40 0\n";

    assertThat(CompilerThreads.compilerTicks(c2)).isEqualTo(743);
    assertThat(CompilerThreads.compilerTicks(c1)).isEqualTo(91);
    assertThat(CompilerThreads.compilerTicks(worker)).isEqualTo(-1);
    assertThat(CompilerThreads.compilerTicks(odd)).isEqualTo(-1);
    assertThatThrownBy(() -> CompilerThreads.compilerTicks("garbage")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CompilerThreads.compilerTicks("4242 (C2 CompilerThre) S 4200 4200"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void secondsBetweenCountsEachThreadsGrowthAndNewThreadsFromZero() {
    Map<Long, Long> before = Map.of(1L, 100L, 2L, 50L, 3L, 10L);
    // thread 3 exited (its last ticks are lost), thread 4 started
    Map<Long, Long> after = Map.of(1L, 130L, 2L, 50L, 4L, 20L);

    assertThat(CompilerThreads.secondsBetween(before, after)).isEqualTo(0.5);
  }

  @Test
  void thisJvmsCompilerThreadsAreFoundWhereProcTellsThem() {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "no /proc here");

    Optional<Map<Long, Long>> ticks = CompilerThreads.ticks(ProcessHandle.current().pid());

    assertThat(ticks).hasValueSatisfying(byThread -> assertThat(byThread).isNotEmpty());
    assertThat(CompilerThreads.ticks(Long.MAX_VALUE)).isEmpty();
  }
}
