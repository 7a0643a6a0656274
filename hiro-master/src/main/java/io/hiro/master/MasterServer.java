package io.hiro.master;

import io.grpc.BindableService;
import io.grpc.Server;
import io.hiro.common.HiroException;
import io.hiro.common.guard.EndpointGuards;
import io.hiro.common.http.HttpEndpoint;
import io.hiro.common.http.HttpPorts;
import io.hiro.common.metrics.Metrics;
import io.prometheus.metrics.core.metrics.Histogram;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.OwnerOnly;
import io.hiro.common.security.PieceTokens;
import io.hiro.master.config.MasterConfig;
import io.hiro.master.core.Master;
import io.hiro.master.http.MasterHttp;
import io.hiro.master.http.MasterMetrics;
import io.hiro.master.rpc.ClusterServiceImpl;
import io.hiro.master.rpc.MasterAccess;
import io.hiro.master.rpc.NamespaceServiceImpl;
import io.hiro.master.store.DiskFiles;
import io.hiro.master.store.MasterStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running master: its state recovered from the data directory and journaled there, the gRPC
 * server over {@link Master}, and the sweep that expires uploads and notices dead workers. The data
 * directory is owner-only (0700) and locked (file {@code lock}) so that two masters never write one
 * journal. The cluster secret is loaded from {@link MasterConfig#secretFile()}, or created there on
 * the first start; every call to the server must be signed with a key derived from it ({@link MasterAccess}).
 */
public final class MasterServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MasterServer.class);
  private static final String LOCK_FILE = "lock";
  private final Server server;
  private final ScheduledExecutorService sweeper;
  private final MasterStore store;
  private final FileChannel lock;
  /** The status page and metrics; null when --http-port is off. */
  private HttpEndpoint http;

  private MasterServer(Server server, ScheduledExecutorService sweeper, MasterStore store, FileChannel lock) {
    this.server = server;
    this.sweeper = sweeper;
    this.store = store;
    this.lock = lock;
  }

  public static MasterServer start(MasterConfig config) {
    FileChannel lock = lockDataDir(config.dataDir());
    Metrics metrics = new Metrics();
    EndpointGuards guards = EndpointGuards.defaults("master", Clock.systemUTC());
    guards.registerIn(metrics);
    Histogram fsyncs = metrics.seconds("hiro_master_journal_fsync_duration_seconds", "Fsyncs of journal records");
    MasterStore store;
    ClusterSecret secret;
    try {
      secret = clusterSecret(config.secretFile());
      store = MasterStore.open(new DiskFiles(config.dataDir()), config.checkpointEveryOperations(),
          config.checkpointInterval().toMillis(), System.currentTimeMillis(), nanos -> fsyncs.observe(nanos / 1e9));
    } catch (IOException e) {
      closeQuietly(lock);
      throw HiroException.unavailable("cannot read the master's state in %s: %s", config.dataDir(), e.getMessage());
    } catch (RuntimeException e) {
      closeQuietly(lock);
      throw e;
    }
    // Ids should be hard to guess: seed a fast generator from the system's secure source.
    RandomGenerator random = new SplittableRandom(new SecureRandom().nextLong());
    Master master;
    Server server;
    try {
      // The master only issues tokens; the clock-skew tolerance is the workers', who check them.
      master = new Master(config, InstantSource.system(), random, store, new PieceTokens(secret, Duration.ZERO));
      List<BindableService> services = List.of(new NamespaceServiceImpl(master),
          new ClusterServiceImpl(master.membership()));
      RpcSecurity security = MasterAccess.serverSecurity(secret, config.tls());
      security.logAtStart(LOG, "master");
      server = Rpc.startServer(config.bindHost(), config.port(), metrics.rpc().intercept(services), security, guards,
          networkThreadMethods());
    } catch (RuntimeException e) {
      closeQuietly(store);
      closeQuietly(lock);
      throw e;
    }
    ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "master-sweep");
      thread.setDaemon(true);
      return thread;
    });
    long periodMillis = config.heartbeatIntervalMillis();
    sweeper.scheduleWithFixedDelay(() -> sweep(master), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    MasterServer started = new MasterServer(server, sweeper, store, lock);
    if (config.httpPort() != HttpPorts.OFF) {
      try {
        MasterHttp pages = new MasterHttp(master::clusterReport, System::currentTimeMillis);
        MasterMetrics.register(metrics, pages::snapshot, master.membership());
        started.http = HttpEndpoint.start("master", config.bindHost(), config.httpPort(),
            pages.routes(Map.of("/metrics", metrics.route())), guards);
      } catch (RuntimeException e) {
        started.close();
        throw e;
      }
    }
    return started;
  }

  /** The calls both services run on the network thread that read them: their handlers never block. */
  private static Set<String> networkThreadMethods() {
    Set<String> methods = new HashSet<>(NamespaceServiceImpl.NETWORK_THREAD_METHODS);
    methods.addAll(ClusterServiceImpl.NETWORK_THREAD_METHODS);
    return Set.copyOf(methods);
  }

  /** The cluster secret in {@code file}, created there the first time; logged by its fingerprint only. */
  private static ClusterSecret clusterSecret(Path file) {
    boolean created = !Files.exists(file);
    ClusterSecret secret = ClusterSecret.loadOrCreateAt(file);
    LOG.info("master: {} cluster secret {} (fingerprint {}); copy that file to each worker and trusted client "
        + "(--secret-file)", created ? "created a new" : "using the", file.toAbsolutePath(), secret.fingerprint());
    return secret;
  }

  /** Creates (owner-only) and locks the data directory; a second master on it gets a clear error. */
  private static FileChannel lockDataDir(Path dataDir) {
    FileChannel channel = null;
    try {
      OwnerOnly.dataDirectory(dataDir).ifPresent(before -> LOG.info(
          "master: data directory {} was open to group or others ({}); made it owner-only (rwx------)", dataDir, before));
      channel = FileChannel.open(dataDir.resolve(LOCK_FILE), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
          OwnerOnly.fileAttributes(dataDir));
      if (channel.tryLock() == null) {
        throw HiroException.precondition("data directory %s is in use by another master; stop it first or "
            + "choose another with --data", dataDir);
      }
      return channel;
    } catch (IOException | OverlappingFileLockException e) {
      closeQuietly(channel);
      throw e instanceof OverlappingFileLockException
          ? HiroException.precondition("data directory %s is in use by another master in this process", dataDir)
          : HiroException.invalid("cannot create data directory %s: %s; choose another with --data", dataDir,
              e.getMessage());
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.warn("master: closing {} failed: {}", closeable, e.toString());
    }
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

  /** The port of the status page and metrics, if they are served. */
  public OptionalInt httpPort() {
    return http == null ? OptionalInt.empty() : OptionalInt.of(http.port());
  }

  @Override
  public void close() {
    stopServing();
    closeQuietly(store);
    closeQuietly(lock);
  }

  /**
   * Stops serving without closing the journal, as a crash would leave it (the lock is released, as
   * the end of the process would). For tests of recovery after an unclean stop.
   */
  void stopWithoutClosingJournal() {
    stopServing();
    closeQuietly(lock);
  }

  private void stopServing() {
    if (http != null) {
      http.close();
    }
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
