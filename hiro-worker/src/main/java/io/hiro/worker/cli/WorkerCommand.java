package io.hiro.worker.cli;

import io.hiro.common.Durations;
import io.hiro.common.HiroException;
import io.hiro.common.HostPort;
import io.hiro.common.Sizes;
import io.hiro.common.cli.SecretFileOption;
import io.hiro.common.cli.TlsOptions;
import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.SecretLookup;
import io.hiro.common.cli.LogLevelOption;
import io.hiro.common.http.HttpPorts;
import io.hiro.common.logging.LogControl;
import io.hiro.worker.WorkerServer;
import io.hiro.worker.config.WorkerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hiro worker}: runs a worker until it is stopped. */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = "Runs a worker: stores replicas of pieces on this machine's disk and serves them.")
public final class WorkerCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerCommand.class);
  static final String MASTER_ENV = "HIRO_MASTER";
  /** The daemon's rolling log file, under its data directory. */
  static final String LOG_FILE = "logs/hiro-worker.log";
  /** How long a worker whose master is on this machine waits for the master to create the secret. */
  private static final Duration LOCAL_MASTER_SECRET_WAIT = Duration.ofSeconds(20);
  /** How long the probe of whether a master on this machine listens may take. */
  private static final int LISTENING_PROBE_MILLIS = 1_000;

  @Mixin LogLevelOption logLevel;

  @Option(names = "--port", defaultValue = "5050", description = "Port of the data service (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--master", paramLabel = "HOST:PORT",
      description = "The master's address; default: the HIRO_MASTER environment variable.")
  String master;

  @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: ./hiro-data/worker-<port>).")
  Path dataDir;

  @Option(names = "--bind", defaultValue = "0.0.0.0", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bindHost;

  @Option(names = "--advertise-host", paramLabel = "HOST",
      description = "Host others reach this worker by (default: the local address that routes to the master).")
  String advertiseHost;

  @Option(names = "--heartbeat-interval", defaultValue = "3s", paramLabel = "DURATION",
      description = "Time between heartbeats, e.g. 3s or 500ms (default: ${DEFAULT-VALUE}).")
  String heartbeatInterval;

  @Option(names = "--capacity", paramLabel = "SIZE",
      description = "Most bytes to store, e.g. 100GiB (default: the size of the disk).")
  String capacity;

  @Option(names = "--copy-bandwidth", defaultValue = "100MiB", paramLabel = "SIZE",
      description = "Most bytes per second all re-replication copies from this worker send together "
          + "(default: ${DEFAULT-VALUE}).")
  String copyBandwidth;

  @Option(names = "--scrub-rate", defaultValue = "16MiB", paramLabel = "SIZE",
      description = "Bytes per second the scrubber re-reads replicas to find corrupt ones; 0 turns it off "
          + "(default: ${DEFAULT-VALUE}).")
  String scrubRate;

  @Option(names = "--scrub-interval", defaultValue = "24h", paramLabel = "DURATION",
      description = "Time between the end of one scrub pass and the start of the next (default: ${DEFAULT-VALUE}).")
  String scrubInterval;

  @Mixin SecretFileOption secretFile = new SecretFileOption();

  @Mixin TlsOptions tls = new TlsOptions();
  @Option(names = "--page-cache-writes",
      description = "Write replicas through the page cache rather than with O_DIRECT (the default where the file "
          + "system allows it: less CPU per byte, and the page cache keeps what is read rather than what was "
          + "written).")
  boolean pageCacheWrites;

  @Option(names = "--http-port", paramLabel = "PORT|off",
      description = "Port of /metrics; 0: any free port; off: none (default: the data port + 1000, e.g. 6050).")
  String httpPort;

  private final Function<String, String> environment;

  public WorkerCommand() {
    this(System::getenv);
  }

  WorkerCommand(Function<String, String> environment) {
    this.environment = environment;
  }

  /** The configuration the options describe; bad input is INVALID_ARGUMENT. */
  WorkerConfig config() {
    String masterText = master != null ? master : environment.apply(MASTER_ENV);
    if (masterText == null || masterText.isBlank()) {
      throw HiroException.invalid("no master given; use --master HOST:PORT or set %s", MASTER_ENV);
    }
    HostPort masterAddress = HostPort.parse(masterText);
    return WorkerConfig.builder()
        .bindHost(bindHost)
        .port(port)
        .master(masterAddress)
        .dataDir(dataDir != null ? dataDir : Path.of("hiro-data", "worker-" + port))
        .advertiseHost(advertiseHost)
        .heartbeatInterval(Durations.parse(heartbeatInterval))
        .capacityBytes(capacity == null ? 0 : Sizes.parse(capacity))
        .copyBandwidthBytesPerSecond(Sizes.parse(copyBandwidth))
        .scrubBytesPerSecond(Sizes.parse(scrubRate))
        .scrubInterval(Durations.parse(scrubInterval))
        .directWrites(!pageCacheWrites)
        .secret(secret(masterAddress))
        .tls(tls.files(environment))
        .httpPort(HttpPorts.parse(httpPort, port, HttpPorts.WORKER_OFFSET))
        .build();
  }

  /**
   * The cluster secret. With the master on this machine and not listening yet, a secret not there
   * yet is waited for a little ({@link #LOCAL_MASTER_SECRET_WAIT}): a master started in the same
   * directory a moment before creates it on its first start, before it listens. A master already
   * listening has made its secret, so a worker that finds none is refused at once.
   */
  private ClusterSecret secret(HostPort master) {
    SecretLookup lookup = secretFile.lookup(environment);
    ClusterSecret secret = lookup.clusterSecretAwaiting(LOCAL_MASTER_SECRET_WAIT, () -> startingOnThisMachine(master),
        () -> LOG.info("worker: no cluster secret yet; waiting up to {} s for the master starting here to create {}",
            LOCAL_MASTER_SECRET_WAIT.toSeconds(), SecretLookup.MASTER_DEFAULT_FILE.toAbsolutePath()));
    LOG.info("worker: cluster secret from {} (fingerprint {})", lookup.describe(), secret.fingerprint());
    return secret;
  }

  /** The master is on this machine (a loopback address) and does not take connections yet. */
  private static boolean startingOnThisMachine(HostPort master) {
    InetAddress address;
    try {
      address = InetAddress.getByName(master.host());
    } catch (UnknownHostException e) {
      return false;
    }
    if (!address.isLoopbackAddress()) {
      return false;
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, master.port()), LISTENING_PROBE_MILLIS);
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /** Runs until stopped; a worker the master refuses stops with that refusal (PERMISSION_DENIED, exit code 10). */
  @Override
  public Integer call() throws InterruptedException {
    WorkerConfig config = config();
    LogControl.current().logToFile(config.dataDir().resolve(LOG_FILE));
    WorkerServer worker = WorkerServer.start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "worker-shutdown"));
    LOG.info("worker {} ready at {}, data in {}; stop it with Ctrl-C", worker.workerId(), worker.address(),
        worker.dataDir());
    worker.httpPort().ifPresent(http -> LOG.info("worker {}: metrics at http://{}:{}/metrics", worker.workerId(),
        worker.address().host(), http));
    worker.awaitTermination();
    worker.refusal().ifPresent(refusal -> {
      throw refusal;
    });
    return 0;
  }
}
