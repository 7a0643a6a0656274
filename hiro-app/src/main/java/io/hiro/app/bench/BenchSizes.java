package io.hiro.app.bench;

import java.time.Duration;

/**
 * How much work one bench run does. {@link #full()} is what the issue asks for; {@link #quick()}
 * shrinks it so a run takes about a minute on a 2-core machine (the tests run it): its figures test
 * the tool, not Hiro, with JVMs too new for their speed to mean much.
 *
 * @param bigFileBytes the one large file put and got (and written by the disk limit)
 * @param smallFileCount how many 4 KiB files are put and got, with 1 and with {@code clientCount} clients
 * @param mkdirCount directories made with 1 client, and again with {@code clientCount} clients
 * @param statCount stats with 1 client, and again with {@code clientCount} clients; also the round trips of
 *     {@code limit.thread_handoff}, and a tenth of the calls of {@code limit.syscall}
 * @param fsyncCount 4 KiB write+fsync rounds for {@code limit.fsync_4k}
 * @param loopbackBytes bytes copied over a loopback socket for {@code limit.loopback_tcp}
 * @param phaseTimeout the longest one phase may take before the run fails
 * @param grpcWarmUp how long the bare gRPC limit calls before it is timed (a fresh JVM compiles meanwhile)
 * @param putWarmUp how long small files are put untimed with {@code clientCount} clients before small
 *     puts are timed, in Hiro and in {@code limit.put_floor}
 * @param putWarmUpMax how long Hiro's small-file warm-up may go on past {@code putWarmUp} while the JIT
 *     compilers are still busy, in all (see {@link SmallFileBench}); {@code putWarmUp} at least
 * @param bigPutWarmUpsMin the least untimed puts of the large file before the timed ones (see {@link
 *     PutWarmUp}), and the untimed runs of {@code limit.grpc_chain}
 * @param bigPutWarmUpsMax the most untimed puts of the large file before the timed ones (see {@link
 *     PutWarmUp#MAX}), and the most untimed reads of it: Hiro's cats, {@code limit.grpc_get}'s runs
 * @param bigReadWarmUpsMin the least untimed reads of the large file before the timed ones: Hiro's
 *     cats, {@code limit.grpc_get}'s runs (see {@link #READ_WARM_UPS_MIN})
 * @param timedRuns timed runs of each figure that is a median: the large file's, each small-file
 *     figure (each run of {@code smallFileCount} files), {@code limit.put_floor}, {@code limit.put_lean}
 *     and {@code limit.grpc_chain} (an odd count, 1 to 9)
 * @param cliRuns timed runs of {@code cli.stat}, after one untimed (an odd count, 1 to 9)
 */
public record BenchSizes(long bigFileBytes, int smallFileCount, int smallFileBytes, int mkdirCount, int statCount,
                         int fsyncCount, long loopbackBytes, int clientCount, Duration phaseTimeout,
                         Duration grpcWarmUp, Duration putWarmUp, Duration putWarmUpMax, int bigPutWarmUpsMin,
                         int bigPutWarmUpsMax, int bigReadWarmUpsMin, int timedRuns, int cliRuns) {
  private static final long MIB = 1024L * 1024;
  private static final long GIB = 1024 * MIB;
  /** 4 KiB, as the issue says. */
  public static final int SMALL_FILE_BYTES = 4096;
  /** "8 concurrent clients", as the issue says. */
  public static final int CLIENT_COUNT = 8;
  /**
   * Untimed small puts before the timed ones. On new daemons the rate climbs for tens of thousands
   * of puts (session 7, 8 clients, rounds of 2,000: Hiro 118, 223, 246, 344, 429, 608, 684, 710, 850
   * and then 777-970 files/s; the bare nodes of {@code limit.put_floor} 121, 255, 330, 411, 489, 599,
   * 839 and then 816-943; ~40 s either way).
   */
  static final Duration PUT_WARM_UP = Duration.ofSeconds(60);
  /**
   * A quick run's untimed puts of its large file, and untimed runs of {@code limit.grpc_chain}: 8,
   * until session 23, took 20 of its 100 s on session 22's VM.
   */
  static final int QUICK_WARM_UP_PUTS = 2;
  /**
   * A quick run's small files per figure: 100 until session 26, 200 before session 24. Halved with its
   * mkdirs and stats in session 26 to bring the run under a minute on this VM; the figures of a quick
   * run test the tool, and eight clients still put 6-7 files each.
   */
  static final int QUICK_SMALL_FILES = 50;
  /**
   * A full run's least untimed reads of its large file. On new clusters (session 38, 4 runs of the
   * probe {@code CatSettle}: 8 puts of 1 GiB, then 25-40 cats of it), the JIT compilers took 8-21% of
   * the CPU of the 2nd to the 9th cat, and each worker's took 0.2-0.6 s more in one or two bursts
   * between the 13th and the 20th: C2 compiling gRPC's ready callback, into which it inlines the
   * worker's whole loop of reads and sends (JFR: 0.2-0.6 s per compile), once the callback has been
   * called often enough. A cat met by such a burst ran 10-20% slower. After the 20th, 2-8% but for one
   * burst. The bare workers of {@code limit.grpc_get} send from the same callback.
   */
  static final int READ_WARM_UPS_MIN = 24;
  /** The longest Hiro's small-file warm-up waits for the JIT compilers to settle (session 22). */
  static final Duration PUT_WARM_UP_MAX = Duration.ofSeconds(180);

  public BenchSizes {
    require(bigFileBytes >= MIB && bigFileBytes <= 64 * GIB, "bigFileBytes", bigFileBytes);
    require(smallFileCount >= clientCount && smallFileCount <= 1_000_000, "smallFileCount", smallFileCount);
    require(smallFileBytes >= 1 && smallFileBytes <= MIB, "smallFileBytes", smallFileBytes);
    require(mkdirCount >= clientCount && mkdirCount <= 1_000_000, "mkdirCount", mkdirCount);
    require(statCount >= clientCount && statCount <= 10_000_000, "statCount", statCount);
    require(fsyncCount >= 1 && fsyncCount <= 1_000_000, "fsyncCount", fsyncCount);
    require(loopbackBytes >= MIB && loopbackBytes <= 64 * GIB, "loopbackBytes", loopbackBytes);
    require(clientCount >= 1 && clientCount <= 256, "clientCount", clientCount);
    require(!phaseTimeout.isNegative() && !phaseTimeout.isZero(), "phaseTimeout", phaseTimeout.toSeconds());
    require(!grpcWarmUp.isNegative() && grpcWarmUp.compareTo(phaseTimeout) < 0, "grpcWarmUp", grpcWarmUp.toSeconds());
    require(!putWarmUp.isNegative() && putWarmUp.compareTo(phaseTimeout) < 0, "putWarmUp", putWarmUp.toSeconds());
    require(putWarmUpMax.compareTo(putWarmUp) >= 0 && putWarmUpMax.compareTo(phaseTimeout) < 0, "putWarmUpMax",
        putWarmUpMax.toSeconds());
    require(bigPutWarmUpsMin >= 1 && bigPutWarmUpsMin <= PutWarmUp.MIN, "bigPutWarmUpsMin", bigPutWarmUpsMin);
    require(bigPutWarmUpsMax >= bigPutWarmUpsMin && bigPutWarmUpsMax <= PutWarmUp.MAX, "bigPutWarmUpsMax",
        bigPutWarmUpsMax);
    require(bigReadWarmUpsMin >= 1 && bigReadWarmUpsMin <= bigPutWarmUpsMax, "bigReadWarmUpsMin", bigReadWarmUpsMin);
    require(timedRuns >= 1 && timedRuns <= 9 && timedRuns % 2 == 1, "timedRuns", timedRuns);
    require(cliRuns >= 1 && cliRuns <= 9 && cliRuns % 2 == 1, "cliRuns", cliRuns);
  }

  public static BenchSizes full() {
    return new BenchSizes(GIB, 2_000, SMALL_FILE_BYTES, 5_000, 20_000, 2_000, GIB, CLIENT_COUNT,
        Duration.ofMinutes(10), Duration.ofSeconds(15), PUT_WARM_UP, PUT_WARM_UP_MAX, PutWarmUp.MIN, PutWarmUp.MAX,
        READ_WARM_UPS_MIN, 3, 5);
  }

  public static BenchSizes quick() {
    return new BenchSizes(64 * MIB, QUICK_SMALL_FILES, SMALL_FILE_BYTES, 250, 500, 300, 256 * MIB, CLIENT_COUNT,
        Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), QUICK_WARM_UP_PUTS,
        QUICK_WARM_UP_PUTS, QUICK_WARM_UP_PUTS, 1, 3);
  }

  private static void require(boolean condition, String name, long value) {
    if (!condition) {
      throw new IllegalArgumentException("bench size " + name + " = " + value + " is out of range");
    }
  }
}
