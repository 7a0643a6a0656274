package io.hiro.app.bench;

import io.hiro.client.ClientSecurity;
import io.hiro.client.HiroClient;
import io.hiro.client.WorkerInfo;
import io.hiro.common.HiroException;
import io.hiro.common.HostPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bench run against the master at {@code master}: the machine's limits first (disk, fsync,
 * loopback, measured in {@code workDir}), then Hiro's figures, each handed to {@code out} as soon
 * as it is measured. Everything Hiro stores goes under one directory {@code /bench-<time>-<hex>},
 * deleted at the end whether the run succeeds or not; local files are deleted too.
 */
public final class HiroBench {
  private static final Logger LOG = LoggerFactory.getLogger(HiroBench.class);
  /** Replicas of every file the bench puts, as the issue says. */
  static final int REPLICATION = 3;

  private final HostPort master;
  private final ClientSecurity security;
  private final CliLatency.Access cliAccess;
  private final Path workDir;
  private final BenchSizes sizes;
  private final boolean workersHere;
  private final CpuMeter cpu;

  /**
   * @param workersHere the workers' data is on the disk of {@code workDir} (the bench started them there)
   * @param cpu the processes whose CPU use the file figures show
   */
  HiroBench(HostPort master, ClientSecurity security, CliLatency.Access cliAccess, Path workDir,
      BenchSizes sizes, boolean workersHere, CpuMeter cpu) {
    this.workersHere = workersHere;
    this.cpu = cpu;
    this.cliAccess = cliAccess;
    this.master = master;
    this.security = security;
    this.workDir = workDir;
    this.sizes = sizes;
  }

  public void run(Consumer<Figure> out) throws IOException {
    long seed = ThreadLocalRandom.current().nextLong();
    Path inputPath = workDir.resolve("bench-input.bin");
    try (ClientPool one = new ClientPool(master, security, 1);
         ClientPool many = new ClientPool(master, security, sizes.clientCount());
         HiroClient admin = HiroClient.connect(master, security)) {
      checkLiveWorkers(admin);
      RandomFile input = RandomFile.write(inputPath, sizes.bigFileBytes(), seed, deadline());
      // Serves limit.grpc_unary.* and, taking turns with it, stat.8clients at the end.
      try (GrpcUnary.Echo echo = GrpcUnary.Echo.start()) {
        Limits limits = measureLimits(input, echo, out);
        // The bare nodes take turns with the large put's timed puts and the small ones', which close
        // them once done (BigFileBench, SmallFileBench); closed here (again: a no-op) if the run fails
        // before that.
        try (Bare bare = limits.bare()) {
          runHiro(new Clients(one, many, admin), input, limits, echo, seed, out);
        }
      }
    } finally {
      Files.deleteIfExists(inputPath);
      for (int c = 0; c < sizes.clientCount(); c++) {
        Files.deleteIfExists(workDir.resolve("bench-small-" + c + ".bin"));
      }
      PieceFiles.deleteIn(workDir);
    }
  }

  private Limits measureLimits(RandomFile input, GrpcUnary.Echo echo, Consumer<Figure> out) throws IOException {
    Figure disk = MachineLimits.diskFsyncWrite(input);
    out.accept(disk);
    Figure directWrite = DiskDirectWrite.measure(input, workDir, deadline());
    out.accept(directWrite);
    Figure fsync = MachineLimits.fsync4k(workDir, sizes.fsyncCount(), deadline());
    out.accept(fsync);
    Figure files1 = PieceFiles.measure(workDir, 1, sizes.smallFileCount(), deadline());
    out.accept(files1);
    Figure filesMany = PieceFiles.measure(workDir, sizes.clientCount(), sizes.smallFileCount(), deadline());
    out.accept(filesMany);
    Figure loopback = MachineLimits.loopbackTcp(sizes.loopbackBytes(), deadline());
    out.accept(loopback);
    out.accept(KernelCosts.threadHandoff(sizes.statCount(), deadline()));
    out.accept(KernelCosts.syscall(workDir, sizes.statCount() * 10, deadline()));
    Figure plainChain = PlainChain.measure(input, REPLICATION, workDir, deadline());
    out.accept(plainChain);
    List<Figure> unary = echo.measure(List.of(1, sizes.clientCount()), sizes.statCount(), sizes.grpcWarmUp(),
        deadline());
    unary.forEach(out);
    BareNodes nodes = BareNodes.start(PieceFiles.dirIn(workDir).resolve("bare-nodes"), REPLICATION);
    GrpcChain chain = null;
    GrpcGet.Runs get = null;
    PutFloor floor = null;
    try {
      // The untimed runs of limit.grpc_chain (they leave the copies limit.grpc_get reads), of
      // limit.grpc_get and of limit.put_floor now, with limit.put_lean's timed runs; their timed runs
      // later, taking turns with Hiro's large puts, cats and small puts.
      chain = GrpcChain.warmedUp(input, nodes, sizes, deadline());
      get = GrpcGet.warmedUp(input, nodes, sizes, deadline());
      floor = PutFloor.warmedUp(nodes, sizes, deadline(), out);
      Optional<Figure> directRead = directRead(input, out);
      return new Limits(disk, directWrite, fsync, files1, filesMany, loopback, plainChain,
          new Bare(nodes, chain, get, floor), unary.get(0), unary.get(1), directRead);
    } catch (IOException | RuntimeException e) {
      new Bare(nodes, chain, get, floor).close();
      throw e;
    }
  }

  /**
   * The bare nodes with {@code limit.grpc_chain}, {@code limit.grpc_get} and {@code limit.put_floor}
   * on them (each null if not started), kept from the limits until Hiro's large puts, cats and small
   * puts have taken turns with their timed runs; {@link #close} stops them all (again: a no-op).
   */
  record Bare(BareNodes nodes, GrpcChain chain, GrpcGet.Runs get, PutFloor floor) implements AutoCloseable {
    @Override
    public void close() {
      if (chain != null) {
        chain.close();
      }
      if (get != null) {
        get.close();
      }
      if (floor != null) {
        floor.close();
      }
      nodes.close();
    }
  }

  /** {@code limit.disk_direct_read}, where it can be measured here. */
  private Optional<Figure> directRead(RandomFile input, Consumer<Figure> out) throws IOException {
    Optional<Figure> directRead = Optional.empty();
    if (!workersHere) {
      LOG.warn("limit.disk_direct_read and get.*.cat.cold not measured: the workers' disks are not known to be on "
          + "this machine (-m)");
    } else if (!PageCache.canDrop()) {
      LOG.warn("limit.disk_direct_read and get.*.cat.cold not measured: emptying the page cache needs root");
    } else {
      directRead = MachineLimits.diskDirectRead(input, deadline());
      directRead.ifPresentOrElse(out, () -> LOG.warn("limit.disk_direct_read and get.*.cat.cold not measured: "
          + "the file system of {} takes no O_DIRECT", workDir));
    }
    return directRead;
  }

  private record Clients(ClientPool one, ClientPool many, HiroClient admin) {}

  private void runHiro(Clients clients, RandomFile input, Limits limits, GrpcUnary.Echo echo, long seed,
      Consumer<Figure> out) throws IOException {
    String remoteDir = "/bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
        + HexFormat.of().toHexDigits((short) seed);
    clients.admin().mkdir(remoteDir, true);
    try {
      Optional<CliLatency> cli = CliLatency.against(master, cliAccess);
      if (cli.isEmpty()) {
        LOG.warn("cli.stat and get.*.cat.cli not measured: no bin/hiro beside this jar or in the working dir");
      }
      new BigFileBench(clients.admin(), cpu, input, remoteDir, workDir, sizes, cli).run(limits, out);
      new SmallFileBench(sizes, cpu, remoteDir, workDir, seed).run(clients.one(), clients.many(), limits, out);
      new NamespaceBench(sizes, cpu, remoteDir).run(clients.one(), clients.many(), limits, echo, out);
      if (cli.isPresent()) {
        out.accept(uncheckedStat(cli.get()));
      }
    } finally {
      deleteQuietly(clients.admin(), remoteDir);
    }
  }

  private Figure uncheckedStat(CliLatency cli) {
    try {
      return cli.stat(sizes.cliRuns(), cpu);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void checkLiveWorkers(HiroClient admin) {
    long live = admin.report().workers().stream().filter(WorkerInfo::isLive).count();
    if (live < REPLICATION) {
      throw HiroException.unavailable("bench needs %d live workers for replication %d; master %s has %d",
          REPLICATION, REPLICATION, master, live);
    }
  }

  private long deadline() {
    return System.nanoTime() + sizes.phaseTimeout().toNanos();
  }

  private void deleteQuietly(HiroClient admin, String remoteDir) {
    try {
      admin.delete(remoteDir, true);
    } catch (HiroException e) {
      LOG.warn("{}: could not delete {} after the bench: {}; delete it with 'hiro client rm -r {}'",
          master, remoteDir, e.getMessage(), remoteDir);
    }
  }
}
