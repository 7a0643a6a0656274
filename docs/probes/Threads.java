package io.hiro.app.bench;

import java.nio.file.*;
import java.util.*;

/**
 * Per-thread CPU (ns, from /proc/PID/task/TID/schedstat) of a process, summed by thread name with digits as '#'
 * (session 38, for GetFloor). A thread that ended between two readings is missed.
 */
final class Threads {
  static Map<String, Long> cpu(long pid) {
    Map<String, Long> byName = new TreeMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : tasks) {
        try {
          String name = Files.readString(t.resolve("comm")).trim().replaceAll("[0-9]+", "#");
          long ns = Long.parseLong(Files.readString(t.resolve("schedstat")).trim().split(" ")[0]);
          byName.merge(name, ns, Long::sum);
        } catch (Exception e) {
          // the thread ended
        }
      }
    } catch (Exception e) {
      // the process ended
    }
    return byName;
  }
  static Map<String, Long> cpu(List<Long> pids) {
    Map<String, Long> sum = new TreeMap<>();
    for (long p : pids) cpu(p).forEach((k, v) -> sum.merge(k, v, Long::sum));
    return sum;
  }
  static void add(Map<String, Long> acc, Map<String, Long> before, Map<String, Long> after) {
    after.forEach((k, v) -> acc.merge(k, v - before.getOrDefault(k, 0L), Long::sum));
  }
  static String show(Map<String, Long> acc, double gib) {
    StringBuilder b = new StringBuilder();
    acc.entrySet().stream().filter(e -> e.getValue() > 1_000_000).sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
        .forEach(e -> b.append(String.format("  %-18s %.3f s/GiB%n", e.getKey(), e.getValue() / 1e9 / gib)));
    return b.toString();
  }
}
