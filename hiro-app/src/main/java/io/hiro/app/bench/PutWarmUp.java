package io.hiro.app.bench;

import io.hiro.common.Checks;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.IntConsumer;

/**
 * When the large file's untimed puts may stop (and, counting rounds of small puts instead, when
 * {@link SmallFileBench}'s may, once its minute has passed): after at least {@link #MIN}, once the JIT compilers
 * took at most {@link #SETTLED_COMPILER_SHARE} of the CPU of each of the last {@link #SETTLED_PUTS}
 * puts, and after {@code max} in any case. The daemons of a cluster run for weeks with their code
 * compiled; a put timed while their compilers still work measures a passing state. Where only the
 * client's CPU is counted ({@code -m}) or the compilers' share was never known, the least is made:
 * the daemons' compilers cannot be watched then.
 */
final class PutWarmUp {
  /**
   * Untimed puts at least. On a new cluster, successive puts of 1 GiB ran 136, 255, 335, 347 and 379
   * MB/s (session 6, a warm client). After 3 untimed puts the workers' JIT still took 0.22-0.27 s of
   * CPU per GiB put and the next puts ran 308-324 MB/s; after 8, 0.06-0.41 s and 388-389 MB/s
   * (session 7, a throw-away program reading each process's compiler threads' CPU).
   */
  static final int MIN = 8;
  /**
   * Untimed puts at most, in a full run. In session 11 the JIT compilers of the five processes took
   * 12% of a put's CPU at the 8th put of a new cluster, 4-11% from the 11th to the 21st and 1-5% from
   * the 22nd to the 30th, while the put's CPU fell from 5.4 to 4.2-4.5 s per GiB.
   */
  static final int MAX = 30;
  /** The compilers' share of a put's CPU that counts as settled. */
  static final double SETTLED_COMPILER_SHARE = 0.05;
  /** Settled puts in a row that end the warm-up. */
  static final int SETTLED_PUTS = 2;

  private final int min;
  private final int max;
  private final boolean watchesCluster;
  private int done;
  private int settledInARow;
  private boolean shareKnown;

  /**
   * @param max the most untimed puts, {@link #MIN} at least
   * @param watchesCluster the compilers' share covers the master's and the workers' too
   */
  PutWarmUp(int max, boolean watchesCluster) {
    this(MIN, max, watchesCluster);
  }

  /**
   * @param min the least untimed puts (or rounds of puts), 1 at least
   * @param max the most, {@code min} at least
   * @param watchesCluster the compilers' share covers the master's and the workers' too
   */
  PutWarmUp(int min, int max, boolean watchesCluster) {
    Checks.require(min >= 1 && max >= min, "at most %d untimed puts, fewer than the least, %d", max, min);
    this.min = min;
    this.max = max;
    this.watchesCluster = watchesCluster;
  }

  /**
   * Counts one untimed put whose JIT compilers took {@code compilerShare} of its CPU (empty if not
   * known); returns whether the warm-up is over. A put whose share is unknown after earlier ones were
   * known does not count as settled.
   */
  boolean putDone(OptionalDouble compilerShare) {
    done++;
    shareKnown |= compilerShare.isPresent();
    boolean settled = compilerShare.isPresent() ? compilerShare.getAsDouble() <= SETTLED_COMPILER_SHARE : !shareKnown;
    settledInARow = settled ? settledInARow + 1 : 0;
    boolean watched = watchesCluster && shareKnown;
    return done >= max || (done >= min && (!watched || settledInARow >= SETTLED_PUTS));
  }

  /** Untimed puts made so far. */
  int done() {
    return done;
  }

  /**
   * Runs {@code round} untimed (given its index, from 0): {@code min} times, and on until the JIT
   * compilers of the processes {@code cpu} watches took at most {@link #SETTLED_COMPILER_SHARE} of two
   * rounds' CPU in a row (without the cluster's compilers to watch, {@code min} times), or until
   * {@code max} has passed, whichever comes first. Returns how it went, for a figure's line: "(after N
   * untimed rounds of {@code what} in S s; JIT compilers P% of the last one's CPU)".
   */
  static String untimedRounds(int min, Duration max, CpuMeter cpu, String what, IntConsumer round) {
    try {
      return untimed(min, Integer.MAX_VALUE, max.toNanos(), Optional.of(cpu), "rounds of " + what, round::accept);
    } catch (IOException e) {
      throw new AssertionError("an IntConsumer throws no IOException", e);
    }
  }

  /** One untimed run of a warm-up, given its index (from 0). */
  @FunctionalInterface
  interface UntimedRun {
    void run(int index) throws IOException;
  }

  /**
   * Runs {@code run} untimed {@code least} times, and on until the JIT compilers of the processes
   * {@code cpu} watches took at most {@link #SETTLED_COMPILER_SHARE} of two runs' CPU in a row
   * ({@code least} times only where {@code cpu} is empty or watches no cluster), {@code most} times
   * at most. Returns how it went, for a figure's line: "(after N untimed {@code what} in S s; JIT
   * compilers P% of the last one's CPU)".
   */
  static String untimedRuns(int least, int most, Optional<CpuMeter> cpu, String what, UntimedRun run)
      throws IOException {
    return untimed(least, most, Long.MAX_VALUE, cpu, what, run);
  }

  /** {@link #untimedRounds} and {@link #untimedRuns}: at most {@code most} runs and {@code maxNanos}. */
  private static String untimed(int least, int most, long maxNanos, Optional<CpuMeter> cpu, String what,
      UntimedRun run) throws IOException {
    long started = System.nanoTime();
    PutWarmUp settling = new PutWarmUp(least, most, cpu.map(CpuMeter::coversCluster).orElse(false));
    OptionalDouble share;
    boolean settled;
    do {
      Optional<CpuMeter.Sample> before = cpu.map(CpuMeter::sample);
      run.run(settling.done());
      share = cpu.isPresent() ? cpu.get().add(null, before.get(), cpu.get().sample()).compilerShare()
          : OptionalDouble.empty();
      settled = settling.putDone(share);
    } while (!settled && System.nanoTime() - started < maxNanos);
    return note(settling.done(), what, started, share);
  }

  /**
   * "(after N untimed {@code what} in S s; JIT compilers P% of the last one's CPU)", {@code what} a
   * plural ("rounds of 2000 puts with 8 clients", "cats").
   */
  static String note(int count, String what, long startedNanos, OptionalDouble lastShare) {
    String share = lastShare.isPresent()
        ? String.format(Locale.ROOT, "; JIT compilers %.0f%% of the last one's CPU", lastShare.getAsDouble() * 100)
        : "";
    return String.format(Locale.ROOT, "(after %d untimed %s in %.0f s%s)", count, what,
        (System.nanoTime() - startedNanos) / 1e9, share);
  }
}
