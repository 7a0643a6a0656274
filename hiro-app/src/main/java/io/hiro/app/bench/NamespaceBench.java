package io.hiro.app.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Namespace operations at the master only: mkdir (one journal record, fsynced, each) and stat (no
 * disk), with 1 client and with 8. Each mkdir makes a new directory; stats go round the ones made.
 * The same mkdirs and stats are first made untimed with 8 clients, in rounds ({@link #warmUp}).
 */
final class NamespaceBench {
  static final double MKDIR_8CLIENTS_TARGET_OPS_PER_SECOND = 5_000;
  static final double STAT_8CLIENTS_TARGET_OPS_PER_SECOND = 20_000;

  private static final String WARM_UP_DIR = "/dirs-warm-up";
  /** Untimed rounds at least (see {@link #warmUp}). */
  static final int WARM_UP_ROUNDS_MIN = 3;

  private final BenchSizes sizes;
  private final CpuMeter cpu;
  private final String remoteDir;

  NamespaceBench(BenchSizes sizes, CpuMeter cpu, String remoteDir) {
    this.sizes = sizes;
    this.cpu = cpu;
    this.remoteDir = remoteDir;
  }

  /** @param echo the server of {@code limit.grpc_unary.*}, whose bare calls take turns with the stats of {@code many} */
  void run(ClientPool one, ClientPool many, Limits limits, GrpcUnary.Echo echo, Consumer<Figure> out)
      throws IOException {
    one.run("mkdir", 1, sizes.phaseTimeout(), (client, c, i) -> {
      client.mkdir(remoteDir + "/dirs1", true);
      client.mkdir(remoteDir + "/dirs" + many.size(), true);
      client.mkdir(remoteDir + WARM_UP_DIR, true);
    });
    String warmUp = warmUp(one, many);
    double mkdir1 = one.run("mkdir.1client", sizes.mkdirCount(), sizes.phaseTimeout(),
        (client, c, i) -> client.mkdir(remoteDir + "/dirs1/d" + i, false));
    out.accept(Figure.of("mkdir.1client", mkdir1, "ops/s").ofLimit(limits.fsync4k(), 1, "").note(warmUp));
    String manyDir = remoteDir + "/dirs" + many.size();
    double mkdirMany = many.run("mkdir." + many.size() + "clients", sizes.mkdirCount(), sizes.phaseTimeout(),
        (client, c, i) -> client.mkdir(manyDir + "/c" + c + "-d" + i, false));
    out.accept(Figure.of("mkdir." + many.size() + "clients", mkdirMany, "ops/s")
        .ofLimit(limits.fsync4k(), 1, ">= " + (int) MKDIR_8CLIENTS_TARGET_OPS_PER_SECOND + " ops/s"));
    int made = sizes.mkdirCount();
    double stat1 = one.run("stat.1client", sizes.statCount(), sizes.phaseTimeout(),
        (client, c, i) -> client.stat(remoteDir + "/dirs1/d" + (i % made)));
    out.accept(Figure.of("stat.1client", stat1, "ops/s").ofLimit(limits.grpcUnary1(), 1, ""));
    statManyInTurns(many, limits, echo, out);
  }

  /**
   * {@code stat.8clients} and the bare calls of {@code limit.grpc_unary.8clients} taking turns, each
   * the median of {@link BenchSizes#timedRuns()}: the limit measured minutes before can be a fifth
   * away on a machine whose speed drifts (session 40: 0.67 of it minutes apart, 0.89 in turns), so
   * the stat's ratio is to the calls made on the same minutes, the bare ones first in each turn, as
   * the probe {@code docs/probes/StatPair.java} took them, and each turn's own ratio beside it (in
   * session 41's run ae1 the machine slowed within the phase: bare calls 19,486, 17,879 and 12,482,
   * the stats 0.85, 0.71 and 0.84 of them). One untimed batch of bare calls first: the echo server
   * has been idle since the limits were measured.
   */
  private void statManyInTurns(ClientPool many, Limits limits, GrpcUnary.Echo echo, Consumer<Figure> out)
      throws IOException {
    String name = "stat." + many.size() + "clients";
    int made = sizes.mkdirCount();
    double[] bareRuns = new double[sizes.timedRuns()];
    double[] statRuns = new double[sizes.timedRuns()];
    long deadline = System.nanoTime() + sizes.phaseTimeout().toNanos();
    try (GrpcUnary.Callers bare = echo.callers(many.size(), deadline)) {
      bare.warmUp(Duration.ZERO, sizes.statCount(), deadline);
      for (int turn = 0; turn < bareRuns.length; turn++) {
        bareRuns[turn] = bare.rate(sizes.statCount(), deadline);
        statRuns[turn] = many.run(name, sizes.statCount(), sizes.phaseTimeout(),
            (client, c, i) -> client.stat(remoteDir + "/dirs1/d" + ((i * many.size() + c) % made)));
      }
    }
    Figure inTurns = Figure.medianOf(GrpcUnary.name(many.size()) + ".turns", bareRuns, "ops/s")
        .note("(taking turns with " + name + ")").withRuns(bareRuns, "ops/s");
    out.accept(inTurns);
    out.accept(Figure.medianOf(name, statRuns, "ops/s")
        .ofLimit(inTurns, 1, ">= " + (int) STAT_8CLIENTS_TARGET_OPS_PER_SECOND + " ops/s")
        .withTurnRatios(statRuns, bareRuns, inTurns.name())
        .besides(limits.grpcUnaryMany()).withRuns(statRuns, "ops/s"));
  }

  /**
   * Untimed rounds of the same mkdirs and stats with {@code many} clients, each round in a directory
   * of its own that it deletes at its end: {@link #WARM_UP_ROUNDS_MIN} at least, then on while the JIT
   * compilers are busy ({@link PutWarmUp#untimedRounds}). Until session 26 one round: on a new
   * cluster 8 clients made 1,302, 1,361, 1,658, 1,862, 2,393 ... 4,085 mkdirs/s in rounds of 2,000,
   * a rate reached after 11 rounds, while the compilers of the master still worked.
   */
  private String warmUp(ClientPool one, ClientPool many) {
    String warm = remoteDir + WARM_UP_DIR;
    String note = PutWarmUp.untimedRounds(WARM_UP_ROUNDS_MIN, sizes.putWarmUpMax(), cpu,
        String.format(Locale.ROOT, "%d mkdirs and %d stats with %d clients", sizes.mkdirCount(), sizes.statCount(),
            many.size()), round -> {
          String dir = warm + "/r" + round;
          one.run("mkdir", 1, sizes.phaseTimeout(), (client, c, i) -> client.mkdir(dir, false));
          many.run("mkdir warm-up", sizes.mkdirCount(), sizes.phaseTimeout(),
              (client, c, i) -> client.mkdir(dir + "/c" + c + "-d" + i, false));
          many.run("stat warm-up", sizes.statCount(), sizes.phaseTimeout(),
              (client, c, i) -> client.stat(dir + "/c" + c + "-d" + (i % (sizes.mkdirCount() / many.size()))));
          one.run("warm-up cleanup", 1, sizes.phaseTimeout(), (client, c, i) -> client.delete(dir, true));
        });
    one.run("warm-up cleanup", 1, sizes.phaseTimeout(), (client, c, i) -> client.delete(warm, true));
    return note;
  }
}
