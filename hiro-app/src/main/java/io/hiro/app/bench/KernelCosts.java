package io.hiro.app.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * What the kernel charges for the two things a small put does most often in every process: a
 * thread waking another that waits (a call handed to a pool, an answer handed back to a caller),
 * and a system call. Both vary between days of this VM far more than its user-mode speed does
 * (session 22: a system call cost 1.0-1.5 us and a hand-off ~7-14 us, against tens of ns and a few
 * us on common hardware), so each run prints them beside the figures they bound.
 */
final class KernelCosts {
  private static final int RUNS = 3;

  private KernelCosts() {}

  /**
   * {@code limit.thread_handoff}: the time from one platform thread's {@link LockSupport#unpark} to
   * the return of another's {@link LockSupport#park}, as gRPC's blocking calls and Hiro's pools wait;
   * two threads pass a turn back and forth {@code roundTrips} times; the median of three runs.
   */
  static Figure threadHandoff(int roundTrips, long deadlineNanos) {
    double[] runs = new double[RUNS];
    pingPong(Math.max(1, roundTrips / 10), deadlineNanos);
    for (int run = 0; run < RUNS; run++) {
      runs[run] = pingPong(roundTrips, deadlineNanos) / 2.0 / roundTrips / 1e3;
    }
    return Figure.medianOf("limit.thread_handoff", runs, "us")
        .note("(one thread waking another that waits in LockSupport.park, as a blocking call's answer or a pool's task "
            + "does; half a round trip)")
        .withRuns(runs, "us");
  }

  /** The nanoseconds that {@code roundTrips} turns passed between this thread and another took. */
  private static long pingPong(int roundTrips, long deadlineNanos) {
    AtomicInteger turn = new AtomicInteger();
    Thread caller = Thread.currentThread();
    Thread echo = Thread.ofPlatform().daemon().name("bench-handoff").start(() -> {
      for (int i = 0; i < roundTrips; i++) {
        if (!awaitTurn(turn, 1)) {
          return;
        }
        turn.set(0);
        LockSupport.unpark(caller);
      }
    });
    long started = System.nanoTime();
    try {
      for (int i = 0; i < roundTrips; i++) {
        RandomFile.checkDeadline(deadlineNanos, "limit.thread_handoff");
        turn.set(1);
        LockSupport.unpark(echo);
        if (!awaitTurn(turn, 0)) {
          throw new IllegalStateException("interrupted during limit.thread_handoff");
        }
      }
      return System.nanoTime() - started;
    } finally {
      echo.interrupt();
    }
  }

  /** Parks until {@code turn} holds {@code mine}; false if interrupted first. */
  private static boolean awaitTurn(AtomicInteger turn, int mine) {
    while (turn.get() != mine) {
      LockSupport.park();
      if (Thread.currentThread().isInterrupted()) {
        return turn.get() == mine;
      }
    }
    return true;
  }

  /**
   * {@code limit.syscall}: the time of one cheap system call from Java ({@code fstat} of an open file,
   * through {@link FileChannel#size}), {@code calls} times in a new file in {@code dir}; the median of
   * three runs.
   */
  static Figure syscall(Path dir, int calls, long deadlineNanos) throws IOException {
    Path file = Files.createTempFile(dir, "bench-syscall-", ".bin");
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      double[] runs = new double[RUNS];
      sizes(channel, Math.max(1, calls / 10), deadlineNanos);
      for (int run = 0; run < RUNS; run++) {
        runs[run] = (double) sizes(channel, calls, deadlineNanos) / calls;
      }
      return Figure.medianOf("limit.syscall", runs, "ns")
          .note("(fstat of an open file from Java: FileChannel.size)")
          .withRuns(runs, "ns");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** The nanoseconds that {@code calls} calls of {@link FileChannel#size} took. */
  private static long sizes(FileChannel channel, int calls, long deadlineNanos) throws IOException {
    long started = System.nanoTime();
    long sum = 0;
    for (int i = 0; i < calls; i++) {
      if ((i & 1023) == 0) {
        RandomFile.checkDeadline(deadlineNanos, "limit.syscall");
      }
      sum += channel.size();
    }
    if (sum != 0) {
      throw new IOException("limit.syscall: the empty file " + channel + " has a size");
    }
    return System.nanoTime() - started;
  }

  /**
   * {@code # machine: ...}: the processor, the kernel and how the kernel guards against Meltdown
   * (page-table isolation makes every system call and switch dearer), where Linux tells them.
   */
  static String describeMachine() {
    List<String> parts = new ArrayList<>();
    parts.add(Runtime.getRuntime().availableProcessors() + " cores");
    read(Path.of("/proc/cpuinfo")).flatMap(info -> info.lines().filter(l -> l.startsWith("model name")).findFirst())
        .map(l -> l.substring(l.indexOf(':') + 1).strip()).ifPresent(parts::add);
    parts.add(System.getProperty("os.name") + " " + System.getProperty("os.version"));
    read(Path.of("/sys/devices/system/cpu/vulnerabilities/meltdown")).ifPresent(m -> parts.add("meltdown: " + m));
    return "# machine: " + String.join(", ", parts);
  }

  private static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file).strip());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
