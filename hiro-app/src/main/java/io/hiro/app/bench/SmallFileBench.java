package io.hiro.app.bench;

import io.hiro.client.PutOptions;
import io.hiro.common.HiroException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntToDoubleFunction;
import java.util.function.UnaryOperator;

/**
 * Many 4 KiB files, replication 3: put with 1 client, put with 8 clients, then got back (into
 * memory, as {@code hiro client cat} does) and compared byte for byte: the 1-client puts' files by 1
 * client, the 8-client puts' by 8. Each client puts from its own local file of random bytes.
 * Untimed first, with 8 clients: rounds of as many puts as are timed for {@link
 * BenchSizes#putWarmUp()} (at least {@link #WARM_UP_ROUNDS_MIN}), and on while the JIT compilers are
 * busy (see {@link #warmUp}), the first one got back, into directories left for the run's final
 * cleanup (deleting thousands of replicas costs the workers CPU while they go). The timed gets come
 * after untimed ones of their own ({@link #getWarmUp}). Each figure is timed {@link
 * BenchSizes#timedRuns()} times (3; 1 with {@code --quick}), each run into a directory of its own,
 * and the median printed with the runs; the CPU figure covers all of them. The timed puts take
 * turns with the timed runs of {@code limit.put_floor} ({@link #putFigures}, since session 45), printed
 * just before them. One run of 2,000 puts lasts one to four seconds, short enough for a burst of
 * the JIT compilers to move it by a quarter (session 21).
 */
final class SmallFileBench {
  static final double PUT_1CLIENT_TARGET_FILES_PER_SECOND = 500;
  static final double PUT_8CLIENTS_TARGET_FILES_PER_SECOND = 1_500;
  static final double GET_8CLIENTS_TARGET_FILES_PER_SECOND = 2_000;

  private static final String WARM_UP_DIR = "/small-warm-up";
  /**
   * Untimed rounds of puts (each as many as are timed) before the timed ones, at least; more follow
   * until {@link BenchSizes#putWarmUp()} has passed. The daemons' per-put code is compiled by C2 only
   * after thousands of calls: on the bench VM, 8 clients put 105, 200, 253, 278 and then 400-476
   * files/s in successive rounds of 2,400 puts on a new cluster (session 3).
   */
  static final int WARM_UP_ROUNDS_MIN = 5;
  /**
   * Untimed rounds of gets before the timed ones, at least (see {@link #getWarmUp}). After 6 rounds,
   * when the compilers had settled, three timed runs still went 1,749, 2,469 and 2,829 files/s
   * (session 26).
   */
  static final int GET_WARM_UP_ROUNDS_MIN = 10;

  private final BenchSizes sizes;
  private final CpuMeter cpu;
  private final String remoteDir;
  private final List<byte[]> contents = new ArrayList<>();
  private final List<Path> localFiles = new ArrayList<>();

  SmallFileBench(BenchSizes sizes, CpuMeter cpu, String remoteDir, Path workDir, long seed) throws IOException {
    this.sizes = sizes;
    this.cpu = cpu;
    this.remoteDir = remoteDir;
    SplittableRandom random = new SplittableRandom(seed);
    for (int c = 0; c < sizes.clientCount(); c++) {
      byte[] content = new byte[sizes.smallFileBytes()];
      random.nextBytes(content);
      contents.add(content);
      localFiles.add(Files.write(workDir.resolve("bench-small-" + c + ".bin"), content));
    }
  }

  void run(ClientPool one, ClientPool many, Limits limits, Consumer<Figure> out) throws IOException {
    String name = sizes.smallFileBytes() == BenchSizes.SMALL_FILE_BYTES ? "4kib" : sizes.smallFileBytes() + "b";
    String manyDir = "/small" + many.size();
    String manyClients = many.size() + "clients";
    String manyName = name + "." + manyClients;
    one.run("mkdir", 1, sizes.phaseTimeout(), (client, c, i) -> {
      for (int run = 0; run < sizes.timedRuns(); run++) {
        client.mkdir(remoteDir + runDir("/small1", run), true);
        client.mkdir(remoteDir + runDir(manyDir, run), true);
      }
    });
    // Untimed: the daemons of a real cluster have their code compiled long before. The gets come
    // after the first round: right before the timed puts, they made them slower (session 7: 1 client
    // put 422 files/s before 2,000 gets with 8 clients, then 344, 392 and 420).
    String warmUp = warmUp(one, many);
    PutFloor floor = limits.bare().floor();
    putFigures("put." + name + ".1client", floor.turns("1client", 1), PUT_1CLIENT_TARGET_FILES_PER_SECOND,
        limits.pieceFiles1(), floor.lean1().rate(), warmUp, limits, out,
        run -> put(one, runDir("/small1", run), name + ".1client"));
    putFigures("put." + manyName, floor.turns(manyClients, many.size()), PUT_8CLIENTS_TARGET_FILES_PER_SECOND,
        limits.pieceFilesMany(), floor.leanMany().rate(), "", limits, out,
        run -> put(many, runDir(manyDir, run), manyName));
    limits.bare().close(); // the gets and the rest have their limits already
    String getWarmUp = getWarmUp(many);
    // A small get makes two calls, the master's stat (with its read tokens) and a worker's ReadPiece:
    // half the rate of bare calls bounds it.
    Measured get1 = measured(run -> get(one, runDir("/small1", run), name + ".1client"));
    out.accept(get1.figure("get." + name + ".1client", figure -> figure.ofLimit(limits.grpcUnary1(), 2, ""))
        .note(getWarmUp));
    out.accept(get1.cpu("get." + name + ".1client.cpu"));
    Measured getMany = measured(run -> get(many, runDir(manyDir, run), manyName));
    out.accept(getMany.figure("get." + manyName, figure -> figure.ofLimit(limits.grpcUnaryMany(), 2,
        target(GET_8CLIENTS_TARGET_FILES_PER_SECOND))));
    out.accept(getMany.cpu("get." + manyName + ".cpu"));
  }

  /**
   * Rounds of untimed puts with {@code many} clients: at least {@link #WARM_UP_ROUNDS_MIN} and for
   * {@link BenchSizes#putWarmUp()}, then on while the JIT compilers of the client and the cluster
   * take more than {@link PutWarmUp#SETTLED_COMPILER_SHARE} of a round's CPU (as the large file's
   * warm-up waits for them), until {@link BenchSizes#putWarmUpMax()} at most. Session 21 found the
   * daemons still compiling 60 s after their start; on session 22's slower VM the compilers took
   * 41-53% of each daemon's CPU 45-65 s after it. Returns how the warm-up went, for the first
   * figure's line.
   */
  private String warmUp(ClientPool one, ClientPool many) {
    long started = System.nanoTime();
    long warmUntil = started + sizes.putWarmUp().toNanos();
    long settleUntil = started + sizes.putWarmUpMax().toNanos();
    PutWarmUp settling = new PutWarmUp(WARM_UP_ROUNDS_MIN, Integer.MAX_VALUE, cpu.coversCluster());
    OptionalDouble lastShare = OptionalDouble.empty();
    boolean settled;
    do {
      String roundDir = WARM_UP_DIR + "/" + settling.done();
      one.run("mkdir", 1, sizes.phaseTimeout(), (client, c, i) -> client.mkdir(remoteDir + roundDir, true));
      CpuMeter.Sample before = cpu.sample();
      put(many, roundDir, "warm-up");
      lastShare = cpu.add(null, before, cpu.sample()).compilerShare();
      if (settling.done() == 0) {
        get(many, roundDir, "warm-up");
      }
      settled = settling.putDone(lastShare);
    } while (System.nanoTime() < warmUntil || (!settled && System.nanoTime() < settleUntil));
    return PutWarmUp.note(settling.done(), "rounds of " + sizes.smallFileCount() + " puts with " + many.size()
        + " clients", started, lastShare);
  }

  /**
   * Rounds of untimed gets with {@code many} clients, of the files of the first warm-up round, right
   * before the timed gets: at least {@link #GET_WARM_UP_ROUNDS_MIN}, then on while the JIT compilers
   * take more than {@link PutWarmUp#SETTLED_COMPILER_SHARE} of a round's CPU, until {@link
   * BenchSizes#putWarmUpMax()} at most. The puts' warm-up compiles little of a get's path (the
   * master's stat with its read tokens, the workers' reads, the client's checks): on a new cluster 8
   * clients got 396, 546, 576, 744 ... 1,344 files/s in rounds of 2,000 and only passed 3,000 after 20
   * rounds (session 26), while the timed gets had come after a single round until then.
   */
  private String getWarmUp(ClientPool many) {
    return PutWarmUp.untimedRounds(GET_WARM_UP_ROUNDS_MIN, sizes.putWarmUpMax(), cpu,
        sizes.smallFileCount() + " gets with " + many.size() + " clients",
        round -> get(many, WARM_UP_DIR + "/0", "get warm-up"));
  }

  /** The rates of the timed runs of one figure ({@link BenchSizes#smallFileCount()} files each), and the CPU of all. */
  private record Measured(double[] rates, CpuMeter.Usage usage, long files) {
    /** The median, compared as {@code compared} says, then the runs. */
    Figure figure(String name, UnaryOperator<Figure> compared) {
      return compared.apply(Figure.medianOf(name, rates, "files/s")).withRuns(rates, "files/s");
    }

    Figure cpu(String name) {
      return usage.perFile(name, files, Figure.medianOf(name, rates, "files/s").value());
    }

    /**
     * As {@link #cpu(String)}, beside {@code floor}: the CPU per file of the floor's puts (Hiro's
     * messages and durable writes with none of its own work), where both count the whole cluster's.
     */
    Figure cpu(String name, Optional<Figure> floor) {
      Figure perFile = cpu(name);
      return floor.filter(limit -> usage.coversCluster()).map(perFile::besides).orElse(perFile);
    }
  }

  /**
   * One small-put figure, {@code name}, its timed runs ({@code run}) taking turns with the floor's
   * ({@code floor}, {@link Turns}) after one more untimed run of the floor. Measured minutes apart,
   * the machine's speed moved between the two by more than Hiro differed from the floor (session 44:
   * Hiro's one-client put at 0.95 of a floor measured minutes before it, and at 0.82 of the floor
   * taking turns with it on the same minutes). Hands {@code out} the floor's figure and its CPU, then
   * Hiro's beside its limits with each turn's ratio and {@code note}, then Hiro's CPU.
   */
  private void putFigures(String name, PutFloor.Runs floor, double target, Figure pieceFiles, Figure lean, String note,
      Limits limits, Consumer<Figure> out, IntToDoubleFunction run) throws IOException {
    floor.untimedRun();
    double[] rates = new double[sizes.timedRuns()];
    CpuMeter.Usage[] usage = {null}; // of Hiro's runs only: the floor's CPU is a figure of its own
    for (int r = 0; r < rates.length; r++) {
      int turn = r;
      rates[r] = Turns.take(r, floor::timedRun, () -> {
        CpuMeter.Sample before = cpu.sample();
        double rate = run.applyAsDouble(turn);
        usage[0] = cpu.add(usage[0], before, cpu.sample());
        return rate;
      });
    }
    Measured hiro = new Measured(rates, usage[0], (long) rates.length * sizes.smallFileCount());
    PutFloor.Timed floorTimed = floor.timed();
    Figure floorRate = floorTimed.rate().note("(one more untimed run, then taking turns with " + name + ")");
    out.accept(floorRate);
    out.accept(floorTimed.perFile());
    out.accept(hiro.figure(name, limit -> limit
        .ofLimit(limits.fsync4k(), HiroBench.REPLICATION, target(target))
        .besides(pieceFiles).besides(floorRate).besides(lean)
        .withTurnRatios(rates, floor.rates(), floorRate.name())).note(note));
    out.accept(hiro.cpu(name + ".cpu", floorTimed.clusterCpu()));
  }

  private Measured measured(IntToDoubleFunction run) {
    CpuMeter.Sample before = cpu.sample();
    double[] rates = new double[sizes.timedRuns()];
    for (int r = 0; r < rates.length; r++) {
      rates[r] = run.applyAsDouble(r);
    }
    CpuMeter.Usage usage = cpu.add(null, before, cpu.sample());
    return new Measured(rates, usage, (long) rates.length * sizes.smallFileCount());
  }

  /** Where timed run {@code run} of a figure puts its files (and its get finds them). */
  private static String runDir(String dir, int run) {
    return dir + "/run-" + run;
  }

  private static String target(double filesPerSecond) {
    return String.format(Locale.ROOT, ">= %.0f files/s", filesPerSecond);
  }

  private double put(ClientPool pool, String dir, String phase) {
    PutOptions options = new PutOptions(HiroBench.REPLICATION, 0, true);
    return pool.run("put." + phase, sizes.smallFileCount(), sizes.phaseTimeout(),
        (client, c, i) -> client.put(localFiles.get(c), path(dir, c, i), options));
  }

  private double get(ClientPool pool, String dir, String phase) {
    return pool.run("get." + phase, sizes.smallFileCount(), sizes.phaseTimeout(), (client, c, i) -> {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(sizes.smallFileBytes());
      String path = path(dir, c, i);
      client.cat(path, bytes);
      if (!Arrays.equals(bytes.toByteArray(), contents.get(c))) {
        throw HiroException.dataLoss("bench: %s read back differs from what was put", path);
      }
    });
  }

  private String path(String dir, int clientIndex, int fileIndex) {
    return String.format("%s%s/c%d-f%06d", remoteDir, dir, clientIndex, fileIndex);
  }
}
