package io.hiro.app.bench;

import java.time.Duration;

/**
 * How much work one bench run does. {@link #full()} is what the issue asks for; {@link #quick()}
 * shrinks it so a run takes under a minute on a 2-core machine (the tests run it), its large file
 * getting the fewest untimed puts.
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
 * @param bigPutWarmUpsMax the most untimed puts of the large file before the timed ones (see {@link
 *     PutWarmUp.MAX})
 * @param smallFileRuns timed runs of each small-file figure and of {@code limit.put_floor} and {@code
 *     limit.put_lean}, each of {@code smallFileCount} files; the figure is their median (an odd count, 1 to 9)
 */
public record BenchSizes(long bigFileBytes, int smallFileCount, int smallFileBytes, int mkdirCount, int statCount,
                         int fsyncCount, long loopbackBytes, int clientCount, Duration phaseTimeout,
                         Duration grpcWarmUp, Duration putWarmUp, Duration putWarmUpMax, int bigPutWarmUpsMax,
                         int smallFileRuns) {
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
    require(bigPutWarmUpsMax >= PutWarmUp.MIN && bigPutWarmUpsMax <= PutWarmUp.MAX, "bigPutWarmUpsMax",
        bigPutWarmUpsMax);
    require(smallFileRuns >= 1 && smallFileRuns <= 9 && smallFileRuns % 2 == 1, "smallFileRuns", smallFileRuns);
  }

  public static BenchSizes full() {
    return new BenchSizes(GIB, 2_000, SMALL_FILE_BYTES, 5_000, 20_000, 2_000, GIB, CLIENT_COUNT,
        Duration.ofMinutes(10), Duration.ofSeconds(15), PUT_WARM_UP, PUT_WARM_UP_MAX, PutWarmUp.MAX, 3);
  }

  public static BenchSizes quick() {
    return new BenchSizes(64 * MIB, 200, SMALL_FILE_BYTES, 1_000, 1_000, 300, 256 * MIB, CLIENT_COUNT,
        Duration.ofMinutes(2), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2), PutWarmUp.MIN, 1);
  }

  private static void require(boolean condition, String name, long value) {
    if (!condition) {
      throw new IllegalArgumentException("bench size " + name + " = " + value + " is out of range");
    }
  }
}
