package io.hiro.app.bench;

import java.util.function.Consumer;

/**
 * Namespace operations at the master only: mkdir (one journal record, fsynced, each) and stat (no
 * disk), with 1 client and with 8. Each mkdir makes a new directory; stats go round the ones made.
 * The same mkdirs and stats are first made once untimed, with 8 clients.
 */
final class NamespaceBench {
  static final double MKDIR_8CLIENTS_TARGET_OPS_PER_SECOND = 5_000;
  static final double STAT_8CLIENTS_TARGET_OPS_PER_SECOND = 20_000;

  private static final String WARM_UP_DIR = "/dirs-warm-up";

  private final BenchSizes sizes;
  private final String remoteDir;

  NamespaceBench(BenchSizes sizes, String remoteDir) {
    this.sizes = sizes;
    this.remoteDir = remoteDir;
  }

  void run(ClientPool one, ClientPool many, Limits limits, Consumer<Figure> out) {
    one.run("mkdir", 1, sizes.phaseTimeout(), (client, c, i) -> {
      client.mkdir(remoteDir + "/dirs1", true);
      client.mkdir(remoteDir + "/dirs" + many.size(), true);
      client.mkdir(remoteDir + WARM_UP_DIR, true);
    });
    // Untimed: the same mkdirs and stats once, with 8 clients, in a directory deleted afterwards.
    String warm = remoteDir + WARM_UP_DIR;
    many.run("mkdir warm-up", sizes.mkdirCount(), sizes.phaseTimeout(),
        (client, c, i) -> client.mkdir(warm + "/c" + c + "-d" + i, false));
    many.run("stat warm-up", sizes.statCount(), sizes.phaseTimeout(),
        (client, c, i) -> client.stat(warm + "/c" + c + "-d" + (i % (sizes.mkdirCount() / many.size()))));
    one.run("warm-up cleanup", 1, sizes.phaseTimeout(), (client, c, i) -> client.delete(warm, true));
    double mkdir1 = one.run("mkdir.1client", sizes.mkdirCount(), sizes.phaseTimeout(),
        (client, c, i) -> client.mkdir(remoteDir + "/dirs1/d" + i, false));
    out.accept(Figure.of("mkdir.1client", mkdir1, "ops/s").ofLimit(limits.fsync4k(), 1, ""));
    String manyDir = remoteDir + "/dirs" + many.size();
    double mkdirMany = many.run("mkdir." + many.size() + "clients", sizes.mkdirCount(), sizes.phaseTimeout(),
        (client, c, i) -> client.mkdir(manyDir + "/c" + c + "-d" + i, false));
    out.accept(Figure.of("mkdir." + many.size() + "clients", mkdirMany, "ops/s")
        .ofLimit(limits.fsync4k(), 1, ">= " + (int) MKDIR_8CLIENTS_TARGET_OPS_PER_SECOND + " ops/s"));
    int made = sizes.mkdirCount();
    double stat1 = one.run("stat.1client", sizes.statCount(), sizes.phaseTimeout(),
        (client, c, i) -> client.stat(remoteDir + "/dirs1/d" + (i % made)));
    out.accept(Figure.of("stat.1client", stat1, "ops/s").ofLimit(limits.grpcUnary1(), 1, ""));
    double statMany = many.run("stat." + many.size() + "clients", sizes.statCount(), sizes.phaseTimeout(),
        (client, c, i) -> client.stat(remoteDir + "/dirs1/d" + ((i * many.size() + c) % made)));
    out.accept(Figure.of("stat." + many.size() + "clients", statMany, "ops/s")
        .ofLimit(limits.grpcUnaryMany(), 1, ">= " + (int) STAT_8CLIENTS_TARGET_OPS_PER_SECOND + " ops/s"));
  }
}
