package io.hiro.master;

import io.grpc.BindableService;
import io.grpc.Server;
import io.hiro.common.HiroException;
import io.hiro.common.rpc.Rpc;
import io.hiro.master.config.MasterConfig;
import io.hiro.master.core.Master;
import io.hiro.master.rpc.ClusterServiceImpl;
import io.hiro.master.rpc.NamespaceServiceImpl;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running master: the gRPC server over {@link Master}, and the sweep that expires uploads and notices dead workers. */
public final class MasterServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MasterServer.class);
  private final Server server;
  private final ScheduledExecutorService sweeper;

  private MasterServer(Server server, ScheduledExecutorService sweeper) {
    this.server = server;
    this.sweeper = sweeper;
  }

  public static MasterServer start(MasterConfig config) {
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw HiroException.invalid("cannot create data directory %s: %s; choose another with --data",
          config.dataDir(), e.getMessage());
    }
    // Ids should be hard to guess: seed a fast generator from the system's secure source.
    RandomGenerator random = new SplittableRandom(new SecureRandom().nextLong());
    Master master = new Master(config, InstantSource.system(), random);
    List<BindableService> services = List.of(new NamespaceServiceImpl(master),
        new ClusterServiceImpl(master.membership()));
    Server server = Rpc.startServer(config.bindHost(), config.port(), services);
    ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "master-sweep");
      thread.setDaemon(true);
      return thread;
    });
    long periodMillis = config.heartbeatIntervalMillis();
    sweeper.scheduleWithFixedDelay(() -> sweep(master), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    return new MasterServer(server, sweeper);
  }

  private static void sweep(Master master) {
    try {
      master.sweep();
    } catch (RuntimeException e) {
      // A failed sweep must not stop the next one (a scheduled task that throws is never run again).
      LOG.error("master: sweep failed; expiry and liveness checks will retry", e);
    }
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }
}
