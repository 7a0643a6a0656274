package io.hiro.worker;

import io.grpc.BindableService;
import io.grpc.Server;
import io.hiro.common.HiroException;
import io.hiro.common.HostPort;
import io.hiro.common.Limits;
import io.hiro.common.WorkerId;
import io.hiro.common.guard.EndpointGuards;
import io.hiro.common.http.HttpEndpoint;
import io.hiro.common.http.HttpPorts;
import io.hiro.common.metrics.Metrics;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.common.security.CallSigner;
import io.hiro.common.security.OwnerOnly;
import io.hiro.common.security.PieceTokens;
import io.hiro.worker.config.WorkerConfig;
import io.hiro.worker.core.CorruptReplicas;
import io.hiro.worker.core.Heartbeater;
import io.hiro.worker.core.PieceReads;
import io.hiro.worker.core.PieceTokenCheck;
import io.hiro.worker.core.PieceWrites;
import io.hiro.worker.core.ReplicaCopier;
import io.hiro.worker.core.ReplicaCopy;
import io.hiro.worker.core.ReplicaDeletes;
import io.hiro.worker.core.ReplicaReporter;
import io.hiro.worker.core.ScrubProgress;
import io.hiro.worker.core.Scrubber;
import io.hiro.worker.core.Sleeper;
import io.hiro.worker.core.SpaceBudget;
import io.hiro.worker.core.Throttle;
import io.hiro.worker.core.WorkerUsage;
import io.hiro.worker.rpc.DataService;
import io.hiro.worker.rpc.GrpcMasterLink;
import io.hiro.worker.rpc.GrpcReplicaSinkFactory;
import io.hiro.worker.rpc.LocalAddress;
import io.hiro.worker.rpc.WorkerChannels;
import io.hiro.worker.store.DataDirLayout;
import io.hiro.worker.store.DiskPieceStore;
import io.hiro.worker.store.DiskSpace;
import io.hiro.worker.store.WorkerIdFile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running worker: its piece store, its data service, and its heartbeats to the master.
 * It serves pieces as soon as it starts, before the master has answered its registration, but only
 * to requests with a piece token from the master. Its calls to the master are signed with the
 * cluster secret; a master that refuses them stops the worker ({@link #refusal()}).
 */
public final class WorkerServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerServer.class);
  /** How far the master's clock may be ahead of this worker's when a token's expiry is checked. */
  static final Duration TOKEN_CLOCK_SKEW = Duration.ofMinutes(1);

  private final WorkerConfig config;
  private final WorkerId workerId;
  private final HostPort address;
  private final Server server;
  private final DataService data;
  private final WorkerChannels channels;
  private final GrpcMasterLink master;
  private final ReplicaReporter reporter;
  private final Heartbeater heartbeater;
  private final ReplicaCopier copier;
  private final Scrubber scrubber;
  private final DiskPieceStore store;
  /** {@code /metrics}; null when --http-port is off. */
  private HttpEndpoint http;
  private volatile boolean closed;
  private volatile HiroException refusal;

  private WorkerServer(WorkerConfig config, WorkerId workerId, HostPort address, Server server, DataService data,
      WorkerChannels channels, GrpcMasterLink master, ReplicaReporter reporter, Heartbeater heartbeater,
      ReplicaCopier copier, Scrubber scrubber, DiskPieceStore store) {
    this.config = config;
    this.workerId = workerId;
    this.address = address;
    this.server = server;
    this.data = data;
    this.channels = channels;
    this.master = master;
    this.reporter = reporter;
    this.heartbeater = heartbeater;
    this.copier = copier;
    this.scrubber = scrubber;
    this.store = store;
  }

  public static WorkerServer start(WorkerConfig config) {
    OwnerOnly.dataDirectory(config.dataDir()).ifPresent(before -> LOG.info(
        "worker: data directory {} was open to group or others ({}); made it owner-only (rwx------)",
        config.dataDir(), before));
    DataDirLayout layout = new DataDirLayout(config.dataDir());
    WorkerId workerId = WorkerIdFile.loadOrCreate(layout);
    LOG.info("{}: starting worker: {}", workerId, config);
    DiskPieceStore store = DiskPieceStore.open(layout, workerId, Clock.systemUTC(), config.directWrites());
    DiskSpace disk = DiskSpace.of(config.dataDir());
    RpcSecurity transport = RpcSecurity.of(config.tls());
    GrpcMasterLink master = new GrpcMasterLink(config.master(),
        transport.signedBy(CallSigner.forCluster(config.secret())));
    ReplicaReporter reporter = new ReplicaReporter(workerId, master);
    CorruptReplicas corrupt = new CorruptReplicas(workerId, store, reporter);
    WorkerChannels channels = new WorkerChannels(transport);
    Metrics metrics = new Metrics();
    EndpointGuards guards = EndpointGuards.defaults(workerId.toString(), Clock.systemUTC());
    guards.registerIn(metrics);
    GrpcReplicaSinkFactory sinks = new GrpcReplicaSinkFactory(channels, metrics.rpc().clientInterceptor());
    SpaceBudget space = new SpaceBudget(workerId,
        () -> WorkerUsage.measure(store, disk, config.capacityBytes()).freeBytes());
    PieceTokenCheck tokens = PieceTokenCheck.of(new PieceTokens(config.secret(), TOKEN_CLOCK_SKEW), Clock.systemUTC());
    PieceWrites writes = new PieceWrites(workerId, tokens, store, space, reporter::stored);
    DataService data = new DataService(writes,
        new PieceReads(tokens, store, Limits.MESSAGE_DATA_BYTES, corrupt::handle), sinks);
    Server server;
    try {
      transport.logAtStart(LOG, workerId.toString());
      server = Rpc.startServer(config.bindHost(), config.port(), metrics.rpc().intercept(List.of(data.withAliasing())),
          transport, guards, DataService.NETWORK_THREAD_METHODS);
    } catch (RuntimeException e) {
      data.close();
      master.close();
      store.close();
      throw e;
    }
    String host = config.advertiseHost() != null ? config.advertiseHost() : LocalAddress.towards(config.master());
    HostPort address = new HostPort(host, server.getPort());
    ReplicaCopier copier = new ReplicaCopier(workerId, new ReplicaCopy(workerId, store, sinks,
        new Throttle(config.copyBandwidthBytesPerSecond(), Clock.systemUTC(), Sleeper.real()), corrupt), reporter);
    CompletableFuture<WorkerServer> started = new CompletableFuture<>();
    Heartbeater heartbeater = new Heartbeater(workerId, address.toString(), master, store::replicas,
        () -> WorkerUsage.measure(store, disk, config.capacityBytes()).lessFree(space.promisedBytes()),
        ReplicaDeletes.inBackground(workerId, tokens, store, reporter::removed, reporter::stored,
            Clock.systemUTC()),
        reporter, copier::order, config.heartbeatInterval(), refused -> started.thenAccept(w -> w.refused(refused)));
    Scrubber scrubber = config.scrubBytesPerSecond() == 0 ? null : new Scrubber(workerId, store, corrupt,
        config.scrubBytesPerSecond(), config.scrubInterval(), Clock.systemUTC(), Sleeper.real());
    WorkerServer worker = new WorkerServer(config, workerId, address, server, data, channels, master, reporter,
        heartbeater, copier, scrubber, store);
    started.complete(worker);
    reporter.start();
    heartbeater.start();
    if (scrubber != null) {
      scrubber.start();
    }
    if (config.httpPort() != HttpPorts.OFF) {
      WorkerMetrics.register(metrics, store, disk, () -> WorkerUsage.measure(store, disk, config.capacityBytes())
          .lessFree(space.promisedBytes()), heartbeater, writes, scrubber);
      try {
        worker.http = HttpEndpoint.start("worker " + workerId, config.bindHost(), config.httpPort(), Map.of(
            "/metrics", metrics.route(),
            "/", () -> HttpEndpoint.Response.text(200, "Hiro worker " + workerId + " at " + address
                + ": metrics at /metrics; the cluster's status page is on the master's HTTP port\n")), guards);
      } catch (RuntimeException e) {
        worker.close();
        throw e;
      }
    }
    LOG.info("{}: worker serving at {} (data {}, {} replicas), master {}",
        workerId, address, config.dataDir(), store.replicaCount(), config.master());
    return worker;
  }

  /** The port the data service listens on (the real one when 0 was asked). */
  public int port() {
    return server.getPort();
  }

  public WorkerId workerId() {
    return workerId;
  }

  /** The address this worker gives the master, {@code host:port}. */
  public HostPort address() {
    return address;
  }

  public Path dataDir() {
    return config.dataDir();
  }

  /** True once the master accepted this worker's registration. */
  public boolean registered() {
    return heartbeater.registered();
  }

  /** The scrubber's progress; empty when scrubbing is off. */
  public Optional<ScrubProgress> scrubProgress() {
    return Optional.ofNullable(scrubber).map(Scrubber::progress);
  }

  /** Why the master refused this worker, once it did (the worker has stopped then); else empty. */
  public Optional<HiroException> refusal() {
    return Optional.ofNullable(refusal);
  }

  /** The master refused this worker: stop, on a thread of its own (the heartbeater's thread is being stopped). */
  private void refused(HiroException cause) {
    // A refused call says why; a failed TLS handshake says which options to check.
    String hint = cause.getMessage().startsWith("call refused")
        ? "; give this worker that master's cluster secret with --secret-file" : "";
    refusal = new HiroException(cause.code(), "worker " + workerId + " stopped: master " + config.master()
        + " refused it: " + cause.getMessage() + hint, cause);
    Thread.ofPlatform().name("worker-stop").start(this::close);
  }

  /** The port of {@code /metrics}, if it is served. */
  public OptionalInt httpPort() {
    return http == null ? OptionalInt.empty() : OptionalInt.of(http.port());
  }

  /** Stops serving and heartbeating at once; in tests it stands for a dead worker. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (http != null) {
      http.close();
    }
    server.shutdownNow();
    heartbeater.close();
    if (scrubber != null) {
      scrubber.close();
    }
    copier.close();
    reporter.close();
    channels.close();
    master.close();
    data.close();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store.close();
    LOG.info("{}: worker stopped", workerId);
  }

  /** Blocks until the worker is closed. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }
}
