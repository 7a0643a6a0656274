package io.hiro.app.bench;

import io.hiro.client.ClusterReport;
import io.hiro.client.HiroClient;
import io.hiro.client.PutOptions;
import io.hiro.client.WorkerInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One large file of random bytes: put with replication 3, got into a local file (pieces fetched
 * in parallel, as {@code hiro client get} does), and streamed (as {@code hiro client cat} does).
 * Every read is checked against the CRC32C of what was put. The timed puts take turns with the
 * timed runs of {@code limit.grpc_chain} (since session 41), printed just before them: one untimed
 * run of the chain first, then in each turn the chain and a put, the chain first in turns 1 and 3
 * and second in turn 2; the timed cats likewise with those of {@code limit.grpc_get} (since session
 * 45), printed before the get's figures. The bare runs' CPU figure counts this whole JVM while they
 * run, so a collection of the client's garbage that falls into them counts there (and theirs into
 * Hiro's). Where the limits include the disk's direct-read rate, the cat is made once more with the
 * page cache emptied ({@link PageCache}). Each is timed {@link BenchSizes#timedRuns()} times (3
 * puts under 3 names in a full run), the median printed.
 *
 * <p>Untimed first: puts under names of their own until the JIT compilers are nearly done ({@link
 * PutWarmUp}), then after the timed puts a get and cats until the compilers are nearly done again
 * ({@link #warmUpCats}). The daemons of a cluster run for weeks
 * with their code compiled, and the client here is a long-lived one (a one-shot CLI put also
 * compiles as it goes: see docs/BENCHMARKS.md). Each untimed put deletes the one before it, and the
 * timed puts wait until the workers no longer hold its replicas: a file deleted (or overwritten)
 * right before a timed put had the workers unlinking 3 GiB of replicas during it, and where the
 * file system discards freed blocks at once (ext4's {@code discard} option, this bench's VM) the
 * put's writes queued behind 2-3 s of discards (session 11). The last untimed put stays until the
 * large file's figures are taken. The untimed reads come after the timed puts: the first reads
 * after puts only make the workers' JIT compile their code again for a while (0.3-0.4 s of CPU per
 * GiB in each worker during the next puts, session 8), a passing state the timed put should not meet.
 */
final class BigFileBench {
  private static final Logger LOG = LoggerFactory.getLogger(BigFileBench.class);
  /** The target for a get of the large file when the workers' data is in the page cache. */
  static final double GET_TARGET_MEGABYTES_PER_SECOND = 1_200;
  /** How long the timed puts wait for the workers to delete the last untimed put's predecessor. */
  private static final Duration DELETES_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DELETES_POLL = Duration.ofMillis(200);
  private static final PutOptions OPTIONS = new PutOptions(HiroBench.REPLICATION, 0, true);

  private final HiroClient client;
  private final CpuMeter cpu;
  private final RandomFile input;
  private final String remotePath;
  private final Path workDir;
  private final String sizeName;
  private final BenchSizes sizes;
  /** {@code bin/hiro} commands against the cluster, for {@code get.<size>.cat.cli}, if there is a bin/hiro. */
  private final Optional<CliLatency> cli;

  /** The CPU use of the timed parts of the runs of the figure being measured. */
  private CpuMeter.Usage usage;

  /**
   * @param sizes the untimed puts, least and most ({@link BenchSizes#bigPutWarmUpsMin()}), and the timed
   *     runs of each figure, which is their median (each run is printed too). In 5 of 6 runs of a
   *     throw-away program timing 3-4 puts after 8 untimed ones (session 9), the first was the slowest
   *     (369-437 MB/s, the others 368-492), the JIT compilers of all processes taking 0.46-1.01 s of CPU
   *     during it against 0.13-0.84 s during the others: a single put measured a passing state about as
   *     often as the steady one.
   */
  BigFileBench(HiroClient client, CpuMeter cpu, RandomFile input, String remoteDir, Path workDir, BenchSizes sizes,
      Optional<CliLatency> cli) {
    this.client = client;
    this.cpu = cpu;
    this.input = input;
    this.sizeName = sizeName(input.sizeBytes());
    this.remotePath = remoteDir + "/big-" + sizeName;
    this.workDir = workDir;
    this.sizes = sizes;
    this.cli = cli;
  }

  /**
   * Measures everything; closes the bare chain once the timed puts have taken turns with it, and the
   * bare get once the timed cats have.
   */
  void run(Limits limits, Consumer<Figure> out) throws IOException {
    int warmUps = warmUpPuts();
    String warmPath = warmUpPath(warmUps);
    GrpcChain chain = limits.bare().chain();
    // Its code shares this JVM with the client's, which has put many GiB since the chain last ran.
    chain.untimedRun();
    // In turns, on the same minutes of the disk, the order in each turn alternating (chain first in
    // the first): an after-effect of one run's writes falls on either side.
    Runs put = timed("put", run -> Turns.take(run, chain::timedRun, () -> put(run)));
    chain.close(); // the reads have their limits already
    Figure grpcChain = chain.figure().note("(one more untimed run, then taking turns with put." + sizeName + ")");
    out.accept(grpcChain);
    out.accept(put.figure().ofLimit(limits.diskFsyncWrite(), HiroBench.REPLICATION, ">= 0.90")
        .besides(limits.plainChain()).besides(grpcChain)
        .withTurnRatios(put.rates(), chain.rates(), grpcChain.name())
        .note(put.note()).note("(after " + warmUps + " untimed puts)"));
    out.accept(put.cpu(""));
    warmUpReads(warmPath);
    String readWarmUp = warmUpCats();
    Runs get = timed("get", run -> get());
    GrpcGet.Runs bareGet = limits.bare().get();
    // Its code shares this JVM with the client's, which has read many GiB since it last ran.
    bareGet.untimedRun();
    // In turns, as the puts take turns with the chain.
    Runs cat = timed("get", run -> Turns.take(run, bareGet::timedRun, this::stream));
    bareGet.close(); // the cold reads' limit is the disk's
    Figure catFigure = cat.figure(".cat");
    Figure grpcGet = bareGet.figure().note("(one more untimed run, then taking turns with " + catFigure.name() + ")");
    out.accept(grpcGet);
    out.accept(get.figure().ofTarget(GET_TARGET_MEGABYTES_PER_SECOND).besides(grpcGet)
        .note("(into a local file, fsynced; " + limits.loopbackTcp().name() + " "
            + Figure.number(limits.loopbackTcp().value()) + " MB/s)").besides(limits.diskDirectWrite())
        .note(get.note()).note(readWarmUp));
    out.accept(get.cpu(""));
    out.accept(catFigure.ofTarget(GET_TARGET_MEGABYTES_PER_SECOND).besides(grpcGet)
        .withTurnRatios(cat.rates(), bareGet.rates(), grpcGet.name())
        .note("(hiro client cat: pieces in order, the next ones read ahead, no local disk)").note(cat.note())
        .note(readWarmUp));
    out.accept(cat.cpu(".cat"));
    cli.ifPresent(commands -> catThroughCli(commands, catFigure, out));
    if (limits.diskDirectRead().isPresent()) {
      Runs cold = timed("get", run -> {
        PageCache.drop();
        return stream();
      });
      out.accept(cold.figure(".cat.cold").ofLimit(limits.diskDirectRead().get(), 1, ">= 1.00")
          .note("(cat after the page cache was emptied: every replica read from the disk)").note(cold.note()));
      out.accept(cold.cpu(".cat.cold"));
    }
    for (int run = 0; run < sizes.timedRuns(); run++) {
      client.delete(timedPath(run), false);
    }
    client.delete(warmPath, false);
  }

  /** A figure missing is better than the rest of the run lost: a failed command is logged, and the run goes on. */
  private void catThroughCli(CliLatency commands, Figure inProcess, Consumer<Figure> out) {
    String name = "get." + sizeName + ".cat.cli";
    try {
      out.accept(commands.cat(name, inProcess, remotePath, input.sizeBytes()));
    } catch (IOException e) {
      LOG.warn("{} not measured: {}", name, e.getMessage());
    }
  }

  /**
   * Untimed puts of the large file until {@link PutWarmUp} says they are enough, each under a new
   * name ({@link #warmUpPath}) and deleting the one before it; then waits until the workers hold no
   * more replicas than the cluster's pieces want, so that none are being deleted during the timed
   * puts. Returns how many puts were made; the last stays.
   */
  private int warmUpPuts() {
    PutWarmUp warmUp = new PutWarmUp(sizes.bigPutWarmUpsMin(), sizes.bigPutWarmUpsMax(), cpu.coversCluster());
    boolean enough;
    do {
      int number = warmUp.done() + 1;
      if (number > 1) {
        client.delete(warmUpPath(number - 1), false);
      }
      CpuMeter.Sample before = cpu.sample();
      client.put(input.path(), warmUpPath(number), OPTIONS);
      enough = warmUp.putDone(cpu.add(null, before, cpu.sample()).compilerShare());
    } while (!enough);
    awaitDeletes();
    return warmUp.done();
  }

  /**
   * Waits until the live workers hold at most {@link HiroBench#REPLICATION} replicas of each of the
   * cluster's pieces, as their heartbeats report; gives up with a warning after {@link #DELETES_TIMEOUT}
   * (a cluster of {@code -m} may hold files of more replicas).
   */
  private void awaitDeletes() {
    long deadline = System.nanoTime() + DELETES_TIMEOUT.toNanos();
    while (true) {
      ClusterReport report = client.report();
      long held = report.workers().stream().filter(WorkerInfo::isLive).mapToLong(WorkerInfo::replicaCount).sum();
      if (held <= HiroBench.REPLICATION * report.pieceCount()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        LOG.warn("the workers still hold {} replicas of {} pieces after {} s; timing the puts anyway", held,
            report.pieceCount(), DELETES_TIMEOUT.toSeconds());
        return;
      }
      LockSupport.parkNanos(DELETES_POLL.toNanos());
    }
  }

  /** Where untimed put {@code number} (from 1) puts the file. */
  private String warmUpPath(int number) {
    return remotePath + "-warm-up-" + number;
  }

  private void warmUpReads(String warmPath) throws IOException {
    Path local = workDir.resolve("bench-get-warm-up.bin");
    try {
      client.get(warmPath, local);
    } finally {
      Files.deleteIfExists(local);
    }
    client.cat(warmPath, OutputStream.nullOutputStream());
  }

  /**
   * Untimed cats of the file that the reads time, until the JIT compilers are nearly done, as for the
   * puts ({@link PutWarmUp}: {@link BenchSizes#bigReadWarmUpsMin()} at least, {@link
   * BenchSizes#bigPutWarmUpsMax()} at most). The first reads its replicas (those the timed reads read,
   * {@code ReplicaOrder}) into the workers' page cache, as the target assumes: the workers write
   * with O_DIRECT. The daemons' read path compiles as it goes, a message of 1 MiB at a time, for tens
   * of GiB (see {@link BenchSizes#READ_WARM_UPS_MIN}); with one untimed cat, as until session 38, the
   * timed reads met the compilers at work. Returns how it went, for the figures' lines.
   */
  private String warmUpCats() throws IOException {
    return PutWarmUp.untimedRuns(sizes.bigReadWarmUpsMin(), sizes.bigPutWarmUpsMax(), Optional.of(cpu), "cats",
        index -> client.cat(remotePath, OutputStream.nullOutputStream()));
  }

  /** Where timed put {@code run} puts the file; the reads read the first. */
  private String timedPath(int run) {
    return run == 0 ? remotePath : remotePath + "-" + (run + 1);
  }

  private Runs timed(String operation, TimedRun once) throws IOException {
    usage = null;
    double[] rates = new double[sizes.timedRuns()];
    for (int run = 0; run < sizes.timedRuns(); run++) {
      rates[run] = once.megabytesPerSecond(run);
    }
    return new Runs(operation + "." + sizeName, rates, usage, input.sizeBytes() * sizes.timedRuns());
  }

  private double put(int run) {
    return rateOf(() -> client.put(input.path(), timedPath(run), OPTIONS));
  }

  private double get() throws IOException {
    Path local = workDir.resolve("bench-get.bin");
    try {
      double rate = rateOf(() -> client.get(remotePath, local));
      input.verify(local, "get " + remotePath);
      return rate;
    } finally {
      Files.deleteIfExists(local);
    }
  }

  private double stream() {
    RandomFile.CrcStream check = new RandomFile.CrcStream();
    double rate = rateOf(() -> client.cat(remotePath, check));
    check.verify(input, "cat " + remotePath);
    return rate;
  }

  /** Times {@code work}, which moves the large file once, adding its CPU use to {@link #usage}; returns its rate. */
  private double rateOf(Runnable work) {
    CpuMeter.Sample before = cpu.sample();
    long started = System.nanoTime();
    work.run();
    long nanos = System.nanoTime() - started;
    usage = cpu.add(usage, before, cpu.sample());
    return MachineLimits.megabytesPerSecond(input.sizeBytes(), nanos);
  }

  /** One timed run of a large-file figure, untimed work before or after it included; returns its rate. */
  private interface TimedRun {
    double megabytesPerSecond(int run) throws IOException;
  }

  /**
   * The rates of one figure's timed runs, in the order run, and the CPU they used
   * while timed, moving {@code bytes} in all.
   */
  private record Runs(String name, double[] rates, CpuMeter.Usage usage, long bytes) {
    Figure figure() {
      return figure("");
    }

    /** The median as the figure {@code name + suffix}. */
    Figure figure(String suffix) {
      return Figure.medianOf(name + suffix, rates, "MB/s");
    }

    /** The figure {@code name + suffix + ".cpu"}: the CPU its runs used ({@link CpuMeter.Usage#perGib}). */
    Figure cpu(String suffix) {
      return usage.perGib(name + suffix + ".cpu", bytes, figure().value());
    }

    /** {@code (median of 3 runs: 401.2, 455.0, 460.1 MB/s)}, in the order run; empty after one run. */
    String note() {
      return rates.length > 1 ? Figure.runsNote(rates, "MB/s") : "";
    }
  }

  /** {@code 1gib}, {@code 64mib}: the size in the figure's name. */
  static String sizeName(long bytes) {
    long gib = 1024L * 1024 * 1024;
    if (bytes % gib == 0) {
      return bytes / gib + "gib";
    }
    long mib = 1024L * 1024;
    return bytes % mib == 0 ? bytes / mib + "mib" : String.format(Locale.ROOT, "%dbytes", bytes);
  }
}
