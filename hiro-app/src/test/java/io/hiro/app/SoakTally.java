package io.hiro.app;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counters the soak prints in its one line of figures. Thread-safe. */
final class SoakTally {
  private final Map<String, AtomicLong> counts = new TreeMap<>();

  synchronized void add(String name) {
    add(name, 1);
  }

  synchronized void add(String name, long amount) {
    counts.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(amount);
  }

  synchronized long get(String name) {
    AtomicLong value = counts.get(name);
    return value == null ? 0 : value.get();
  }

  @Override
  public synchronized String toString() {
    StringBuilder line = new StringBuilder();
    counts.forEach((name, value) -> line.append(line.isEmpty() ? "" : ", ").append(name).append(' ').append(value));
    return line.toString();
  }
}
