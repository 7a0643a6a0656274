package io.hiro.worker;

import io.grpc.BindableService;
import io.grpc.Server;
import io.hiro.common.HostPort;
import io.hiro.common.Limits;
import io.hiro.common.WorkerId;
import io.hiro.common.rpc.Rpc;
import io.hiro.worker.config.WorkerConfig;
import io.hiro.worker.core.Heartbeater;
import io.hiro.worker.core.PieceReads;
import io.hiro.worker.core.PieceWrites;
import io.hiro.worker.core.ReplicaReporter;
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
  private volatile boolean closed;

  private WorkerServer(WorkerConfig config, WorkerId workerId, HostPort address, Server server, DataService data,
      WorkerChannels channels, GrpcMasterLink master, ReplicaReporter reporter, Heartbeater heartbeater) {
    this.config = config;
    this.workerId = workerId;
    this.address = address;
    this.server = server;
    this.data = data;
    this.channels = channels;
    this.master = master;
    this.reporter = reporter;
    this.heartbeater = heartbeater;
  }

  public static WorkerServer start(WorkerConfig config) {
    LOG.info("starting worker: {}", config);
    DataDirLayout layout = new DataDirLayout(config.dataDir());
    WorkerId workerId = WorkerIdFile.loadOrCreate(layout);
    DiskPieceStore store = DiskPieceStore.open(layout, workerId, Clock.systemUTC());
    DiskSpace disk = DiskSpace.of(config.dataDir());
    GrpcMasterLink master = new GrpcMasterLink(config.master());
    ReplicaReporter reporter = new ReplicaReporter(workerId, master);
    WorkerChannels channels = new WorkerChannels();
    PieceWrites writes = new PieceWrites(workerId, store, reporter::stored);
    DataService data = new DataService(writes, new PieceReads(store, Limits.MESSAGE_DATA_BYTES),
        new GrpcReplicaSinkFactory(channels));
    Server server;
    try {
      server = Rpc.startServer(config.bindHost(), config.port(), List.<BindableService>of(data));
    } catch (RuntimeException e) {
      data.close();
      master.close();
      throw e;
    }
    String host = config.advertiseHost() != null ? config.advertiseHost() : LocalAddress.towards(config.master());
    HostPort address = new HostPort(host, server.getPort());
    Heartbeater heartbeater = new Heartbeater(workerId, address.toString(), master, store::replicas,
        () -> WorkerUsage.measure(store, disk, config.capacityBytes()), store::delete, reporter,
        config.heartbeatInterval());
    WorkerServer worker =
        new WorkerServer(config, workerId, address, server, data, channels, master, reporter, heartbeater);
    reporter.start();
    heartbeater.start();
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

  /** Stops serving and heartbeating at once; in tests it stands for a dead worker. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdownNow();
    heartbeater.close();
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
