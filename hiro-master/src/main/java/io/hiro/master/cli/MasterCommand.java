package io.hiro.master.cli;

import io.hiro.common.Durations;
import io.hiro.common.HostPort;
import io.hiro.common.Sizes;
import io.hiro.common.cli.TlsOptions;
import io.hiro.common.cli.LogLevelOption;
import io.hiro.common.http.HttpPorts;
import io.hiro.common.logging.LogControl;
import io.hiro.master.MasterServer;
import io.hiro.master.config.MasterConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hiro master}: starts the master and blocks until it is stopped. Options are taken as text
 * and parsed here so that bad input is a {@link io.hiro.common.HiroException#invalid} with a clear message.
 */
@Command(name = "master", mixinStandardHelpOptions = true,
    description = "Runs the master: the namespace, where every piece is, and the workers' health.")
public final class MasterCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(MasterCommand.class);
  /** The daemon's rolling log file, under its data directory. */
  static final String LOG_FILE = "logs/hiro-master.log";

  @Mixin LogLevelOption logLevel;

  @Option(names = "--port", defaultValue = "8080", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--bind", defaultValue = "0.0.0.0", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bindHost;

  @Option(names = "--workers", defaultValue = "", paramLabel = "HOST:PORT,...",
      description = "Workers this master expects; shown as missing until they register. Others may still join.")
  String workers;

  @Option(names = "--data", defaultValue = "./hiro-data/master", paramLabel = "DIR",
      description = "Directory for the master's state (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--heartbeat-interval", defaultValue = "3s",
      description = "How often workers heartbeat (default: ${DEFAULT-VALUE}).")
  String heartbeatInterval;

  @Option(names = "--dead-after", defaultValue = "30s",
      description = "Silence after which a worker counts as dead (default: ${DEFAULT-VALUE}).")
  String deadAfter;

  @Option(names = "--replication", defaultValue = "3",
      description = "Replicas a file gets unless the client asks otherwise (default: ${DEFAULT-VALUE}).")
  int replication;

  @Option(names = "--piece-size", defaultValue = "64MiB",
      description = "Piece size unless the client asks otherwise (default: ${DEFAULT-VALUE}).")
  String pieceSize;

  @Option(names = "--min-replicas", defaultValue = "0", paramLabel = "N",
      description = "Replicas every piece needs for a put to succeed; 0: 2 where two workers are live, else 1.")
  int minReplicas;

  @Option(names = "--upload-expiry", defaultValue = "1h",
      description = "Uncommitted uploads are collected after this (default: ${DEFAULT-VALUE}).")
  String uploadExpiry;

  @Option(names = "--checkpoint-every", defaultValue = "100000", paramLabel = "N",
      description = "Write a checkpoint after this many journaled changes (default: ${DEFAULT-VALUE}).")
  long checkpointEvery;

  @Option(names = "--checkpoint-interval", defaultValue = "10m",
      description = "... or after this long with at least one change (default: ${DEFAULT-VALUE}).")
  String checkpointInterval;

  @Option(names = "--safe-mode-grace", defaultValue = "30s",
      description = "After a restart, how long to wait for the known workers to report before deleting or "
          + "re-replicating anything (default: ${DEFAULT-VALUE}).")
  String safeModeGrace;

  @Option(names = "--replication-copies", defaultValue = "2", paramLabel = "N",
      description = "Re-replication copies each worker sends at once (default: ${DEFAULT-VALUE}).")
  int replicationCopies;

  @Option(names = "--replication-bandwidth", defaultValue = "100MiB", paramLabel = "SIZE",
      description = "Re-replication bytes per second over the whole cluster (default: ${DEFAULT-VALUE}).")
  String replicationBandwidth;

  @Option(names = "--orphan-grace", defaultValue = "10m",
      description = "Replicas that belong to no file are deleted after this (default: ${DEFAULT-VALUE}).")
  String orphanGrace;

  @Option(names = "--secret-file", paramLabel = "FILE",
      description = "The cluster secret, created there on the first start (default: DIR/cluster.secret in --data).")
  Path secretFile;

  @Mixin TlsOptions tls = new TlsOptions();

  @Option(names = "--http-port", paramLabel = "PORT|off",
      description = "Port of the status page and /metrics; 0: any free port; off: none "
          + "(default: the gRPC port + 1, e.g. 8081).")
  String httpPort;

  private final Function<String, String> environment;

  public MasterCommand() {
    this(System::getenv);
  }

  MasterCommand(Function<String, String> environment) {
    this.environment = environment;
  }

  MasterConfig config() {
    return MasterConfig.builder()
        .bindHost(bindHost)
        .port(port)
        .expectedWorkers(HostPort.parseList(workers))
        .dataDir(dataDir)
        .heartbeatInterval(Durations.parse(heartbeatInterval))
        .deadAfter(Durations.parse(deadAfter))
        .defaultReplication(replication)
        .defaultPieceSizeBytes(Sizes.parse(pieceSize))
        .minReplicas(minReplicas)
        .uploadExpiry(Durations.parse(uploadExpiry))
        .checkpointEveryOperations(checkpointEvery)
        .checkpointInterval(Durations.parse(checkpointInterval))
        .safeModeGrace(Durations.parse(safeModeGrace))
        .replicationCopiesPerWorkerMax(replicationCopies)
        .replicationBandwidthBytesPerSecond(Sizes.parse(replicationBandwidth))
        .orphanGrace(Durations.parse(orphanGrace))
        .secretFile(secretFile)
        .tls(tls.files(environment))
        .httpPort(HttpPorts.parse(httpPort, port, HttpPorts.MASTER_OFFSET))
        .build();
  }

  @Override
  public Integer call() throws Exception {
    MasterConfig config = config();
    LogControl.current().logToFile(config.dataDir().resolve(LOG_FILE));
    MasterServer server = MasterServer.start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "master-shutdown"));
    LOG.info("master: listening on {}:{} (data {}, replication {}, piece size {}, heartbeat {}, dead after {}, "
            + "min-replicas {}, {} workers expected, checkpoint every {} changes or {}, safe-mode grace {})",
        config.bindHost(), server.port(), config.dataDir(), config.defaultReplication(),
        Sizes.format(config.defaultPieceSizeBytes()), config.heartbeatInterval(), config.deadAfter(),
        config.minReplicas() == 0 ? "auto" : config.minReplicas(), config.expectedWorkers().size(),
        config.checkpointEveryOperations(), config.checkpointInterval(), config.safeModeGrace());
    server.httpPort().ifPresent(http -> LOG.info("master: status page at http://{}:{}/ (metrics at /metrics)",
        config.bindHost(), http));
    server.awaitTermination();
    return 0;
  }
}
