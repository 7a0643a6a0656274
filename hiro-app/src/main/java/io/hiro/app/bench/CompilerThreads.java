package io.hiro.app.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CPU a JVM's JIT compiler threads have used, read from {@code /proc/PID/task} (Linux): the
 * threads HotSpot names {@code C1 CompilerThreadN} and {@code C2 CompilerThreadN}. A bench figure
 * taken while the daemons still compile their code measures a passing state (a cluster's daemons
 * run for weeks compiled), so the bench shows this share and warms up until it is small.
 */
final class CompilerThreads {
  /** The kernel's clock ticks per second in {@code /proc} times (USER_HZ: 100 on every Linux Hiro runs on). */
  static final double TICKS_PER_SECOND = 100;

  private CompilerThreads() {}

  /**
   * CPU ticks so far of each compiler thread of process {@code pid}, by thread id; empty where
   * {@code /proc} cannot tell (not Linux, the process is gone, or a JVM whose compiler threads are
   * named otherwise: HotSpot keeps at least one of each kind, so none means not known). A thread
   * seen once and not again has exited, and its last ticks are lost.
   */
  static Optional<Map<Long, Long>> ticks(long pid) {
    Map<Long, Long> byThread = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException threadEnded) {
          continue;
        }
        long ticks = compilerTicks(stat);
        if (ticks >= 0) {
          byThread.put(Long.parseLong(task.getFileName().toString()), ticks);
        }
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return byThread.isEmpty() ? Optional.empty() : Optional.of(byThread);
  }

  /**
   * User plus system ticks from one thread's {@code stat} line if the thread is a JIT compiler,
   * else -1. The name, in parentheses, may itself hold spaces and parentheses: the fields after it
   * are found from the last {@code ')'}.
   */
  static long compilerTicks(String stat) {
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    if (open < 0 || close < open) {
      throw new IllegalArgumentException("not a /proc stat line: " + stat);
    }
    String name = stat.substring(open + 1, close);
    if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
      return -1;
    }
    // after the name: state(3) ppid(4) ... utime(14) stime(15), numbered as in proc(5)
    String[] fields = stat.substring(Math.min(close + 1, stat.length())).trim().split("\\s+");
    if (fields.length < 13) {
      throw new IllegalArgumentException("a /proc stat line cut short: " + stat);
    }
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** Seconds the compiler threads used from {@code before} to {@code after} (threads new since count from 0). */
  static double secondsBetween(Map<Long, Long> before, Map<Long, Long> after) {
    long ticks = 0;
    for (Map.Entry<Long, Long> thread : after.entrySet()) {
      ticks += Math.max(0, thread.getValue() - before.getOrDefault(thread.getKey(), 0L));
    }
    return ticks / TICKS_PER_SECOND;
  }
}
