package io.hiro.worker;

import io.grpc.BindableService;
import io.grpc.Server;
import io.hiro.common.HostPort;
import io.hiro.common.Limits;
import io.hiro.common.WorkerId;
import io.hiro.common.http.HttpEndpoint;
import io.hiro.common.http.HttpPorts;
import io.hiro.common.metrics.Metrics;
import io.hiro.common.rpc.Rpc;
import io.hiro.worker.config.WorkerConfig;
import io.hiro.worker.core.CorruptReplicas;
import io.hiro.worker.core.Heartbeater;
import io.hiro.worker.core.PieceReads;
import io.hiro.worker.core.PieceWrites;
import io.hiro.worker.core.ReplicaCopier;
import io.hiro.worker.core.ReplicaCopy;
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
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running worker: its piece store, its data service, and its heartbeats to the master.
 * It serves pieces as soon as it starts, before the master has answered its registration.
 */
public final class WorkerServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerServer.class);

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
  /** {@code /metrics}; null when --http-port is off. */
  private HttpEndpoint http;
  private volatile boolean closed;

  private WorkerServer(WorkerConfig config, WorkerId workerId, HostPort address, Server server, DataService data,
      WorkerChannels channels, GrpcMasterLink master, ReplicaReporter reporter, Heartbeater heartbeater,
      ReplicaCopier copier, Scrubber scrubber) {
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
  }

  public static WorkerServer start(WorkerConfig config) {
    DataDirLayout layout = new DataDirLayout(config.dataDir());
    WorkerId workerId = WorkerIdFile.loadOrCreate(layout);
    LOG.info("{}: starting worker: {}", workerId, config);
    DiskPieceStore store = DiskPieceStore.open(layout, workerId, Clock.systemUTC());
    DiskSpace disk = DiskSpace.of(config.dataDir());
    GrpcMasterLink master = new GrpcMasterLink(config.master());
    ReplicaReporter reporter = new ReplicaReporter(workerId, master);
    CorruptReplicas corrupt = new CorruptReplicas(workerId, store, reporter);
    WorkerChannels channels = new WorkerChannels();
    Metrics metrics = new Metrics();
    GrpcReplicaSinkFactory sinks = new GrpcReplicaSinkFactory(channels, metrics.rpc().clientInterceptor());
    SpaceBudget space = new SpaceBudget(workerId,
        () -> WorkerUsage.measure(store, disk, config.capacityBytes()).freeBytes());
    PieceWrites writes = new PieceWrites(workerId, store, space, reporter::stored);
    DataService data = new DataService(writes, new PieceReads(store, Limits.MESSAGE_DATA_BYTES, corrupt::handle), sinks);
    Server server;
    try {
      server = Rpc.startServer(config.bindHost(), config.port(), metrics.rpc().intercept(List.of(data.withAliasing())));
    } catch (RuntimeException e) {
      data.close();
      master.close();
      throw e;
    }
    String host = config.advertiseHost() != null ? config.advertiseHost() : LocalAddress.towards(config.master());
    HostPort address = new HostPort(host, server.getPort());
    ReplicaCopier copier = new ReplicaCopier(workerId, new ReplicaCopy(workerId, store, sinks,
        new Throttle(config.copyBandwidthBytesPerSecond(), Clock.systemUTC(), Sleeper.real()), corrupt), reporter);
    Heartbeater heartbeater = new Heartbeater(workerId, address.toString(), master, store::replicas,
        () -> WorkerUsage.measure(store, disk, config.capacityBytes()).lessFree(space.promisedBytes()), store::delete,
        reporter, copier::order, config.heartbeatInterval());
    Scrubber scrubber = config.scrubBytesPerSecond() == 0 ? null : new Scrubber(workerId, store, corrupt,
        config.scrubBytesPerSecond(), config.scrubInterval(), Clock.systemUTC(), Sleeper.real());
    WorkerServer worker = new WorkerServer(config, workerId, address, server, data, channels, master, reporter,
        heartbeater, copier, scrubber);
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
                + ": metrics at /metrics; the cluster's status page is on the master's HTTP port\n")));
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
    LOG.info("{}: worker stopped", workerId);
  }

  /** Blocks until the worker is closed. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }
}
