package io.hiro.app;

import io.hiro.client.ClientSecurity;
import io.hiro.client.ClusterReport;
import io.hiro.client.HiroClient;
import io.hiro.client.WorkerInfo;
import io.hiro.common.HiroException;
import io.hiro.common.HostPort;
import io.hiro.common.cli.TlsOptions;
import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.SecretLookup;
import io.hiro.common.security.TlsFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A master and N workers running as real processes on loopback, each with its own data dir and
 * log file under one base dir. Used by {@code hiro demo}, and by tests that kill processes for real.
 *
 * <p>Processes are started with a launcher: either this JVM's java with its class path (the
 * demo), or {@code bin/hiro} exactly as a user runs it (the process tests).
 *
 * <p>The cluster secret is created in the master's data dir before the master starts (the master
 * then loads it) and handed to the workers with {@code --secret-file}; clients get it from
 * {@link #clientSecurity()} or, as processes, from {@link #clientEnvironment()}. With
 * {@link Options#tls()} every daemon and client uses mutual TLS with certificates from a CA of
 * the cluster's own, in {@code DIR/certs}.
 */
public final class LocalCluster implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final String CLIENT = "client";

  /**
   * How to run the cluster: the launcher, how many workers, and extra options for the daemons.
   *
   * @param launcher the command that runs {@code hiro} (see {@link #javaLauncher()})
   * @param masterOptions extra options for {@code hiro master}
   * @param workerOptions extra options for every {@code hiro worker}
   * @param tls whether every connection uses mutual TLS
   */
  public record Options(List<String> launcher, int workerCount, String heartbeatInterval,
      List<String> masterOptions, List<String> workerOptions, boolean tls) {
    public Options {
      launcher = List.copyOf(launcher);
      masterOptions = List.copyOf(masterOptions);
      workerOptions = List.copyOf(workerOptions);
    }

    public Options(List<String> launcher, int workerCount, String heartbeatInterval,
        List<String> masterOptions, List<String> workerOptions) {
      this(launcher, workerCount, heartbeatInterval, masterOptions, workerOptions, false);
    }

    public Options(List<String> launcher, int workerCount, String heartbeatInterval) {
      this(launcher, workerCount, heartbeatInterval, List.of(), List.of());
    }

    /** The same cluster, with mutual TLS on every connection. */
    public Options withTls() {
      return new Options(launcher, workerCount, heartbeatInterval, masterOptions, workerOptions, true);
    }
  }

  /** Variables of the caller's environment that must not reach the cluster's processes. */
  private static final List<String> INHERITED_NOT = List.of("HIRO_MASTER", SecretLookup.FILE_ENVIRONMENT_VARIABLE,
      ClusterSecret.ENVIRONMENT_VARIABLE, TlsOptions.CERTIFICATE_ENVIRONMENT_VARIABLE,
      TlsOptions.KEY_ENVIRONMENT_VARIABLE, TlsOptions.CA_ENVIRONMENT_VARIABLE);

  private final Options options;
  private final Path baseDir;
  private final ClusterSecret secret;
  private final LocalCerts certs;
  private final int masterPort;
  private final int masterHttpPort;
  private final List<Integer> workerPorts = new ArrayList<>();
  private final List<Integer> workerHttpPorts = new ArrayList<>();
  private Process master;
  private final List<Process> workers = new ArrayList<>();

  private LocalCluster(Options options, Path baseDir) {
    this.options = options;
    this.baseDir = baseDir;
    this.secret = ClusterSecret.loadOrCreateIn(masterDataDir());
    this.certs = options.tls() ? new LocalCerts(baseDir.resolve("certs")) : null;
    this.masterPort = LoopbackPorts.free();
    this.masterHttpPort = LoopbackPorts.free();
    for (int i = 0; i < options.workerCount(); i++) {
      workerPorts.add(LoopbackPorts.free());
      workerHttpPorts.add(LoopbackPorts.free());
      workers.add(null);
    }
  }

  /** Starts the cluster and waits until every worker has registered with the master. */
  public static LocalCluster start(List<String> launcher, Path baseDir, int workerCount, String heartbeatInterval) {
    return start(new Options(launcher, workerCount, heartbeatInterval), baseDir);
  }

  /** Starts the cluster and waits until every worker has registered with the master. */
  public static LocalCluster start(Options options, Path baseDir) {
    LocalCluster cluster = new LocalCluster(options, baseDir);
    try {
      cluster.startMaster();
      for (int i = 0; i < options.workerCount(); i++) {
        cluster.startWorker(i);
      }
      cluster.awaitLiveWorkers(options.workerCount(), START_TIMEOUT, true);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The launcher that runs {@code io.hiro.app.Main} in a new JVM with this JVM's class path. */
  public static List<String> javaLauncher() {
    return javaLauncher(Main.class);
  }

  /**
   * The launcher that runs {@code main} in a new JVM with this JVM's java and class path, the
   * collector and young generation {@code bin/hiro} gives a master or worker
   * (deploy/hiro-jvm-options), and this JVM's class archive (bin/hiro's, made of the same jar for the
   * same java), so that the new JVM starts as a daemon started by bin/hiro does.
   */
  public static List<String> javaLauncher(Class<?> main) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC",
        "-XX:-UseAdaptiveSizePolicy"));
    command.addAll(classArchiveOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    return List.copyOf(command);
  }

  /** Of a JVM's {@code options}, those that name its class archive or quiet the archive's messages. */
  static List<String> classArchiveOptions(List<String> options) {
    return options.stream().filter(option -> option.startsWith("-XX:AOTCache=")
        || option.startsWith("-XX:SharedArchiveFile=") || option.startsWith("-Xlog:cds")
        || option.startsWith("-Xlog:aot")).toList();
  }

  public HostPort masterAddress() {
    return new HostPort("127.0.0.1", masterPort);
  }

  /** The master's status page and metrics: {@code http://127.0.0.1:PORT/}. */
  public HostPort masterHttpAddress() {
    return new HostPort("127.0.0.1", masterHttpPort);
  }

  public int workerCount() {
    return workers.size();
  }

  public HostPort workerAddress(int index) {
    return new HostPort("127.0.0.1", workerPorts.get(index));
  }

  /** Worker {@code index}'s metrics: {@code http://127.0.0.1:PORT/metrics}. */
  public HostPort workerHttpAddress(int index) {
    return new HostPort("127.0.0.1", workerHttpPorts.get(index));
  }

  public Path workerDataDir(int index) {
    return baseDir.resolve("worker-" + (index + 1));
  }

  public Path masterDataDir() {
    return baseDir.resolve("master");
  }

  public Path baseDir() {
    return baseDir;
  }

  /** The cluster secret file, in the master's data dir. */
  public Path secretFile() {
    return masterDataDir().resolve(ClusterSecret.FILE_NAME);
  }

  /** What a client of this cluster needs: the cluster secret, and its TLS files when the cluster runs TLS. */
  public ClientSecurity clientSecurity() {
    ClientSecurity security = ClientSecurity.of(secret);
    return certs == null ? security : security.withTls(certs.node(CLIENT));
  }

  /** A client of this cluster, trusted (it holds the cluster secret); the caller closes it. */
  public HiroClient client() {
    return HiroClient.connect(masterAddress(), clientSecurity());
  }

  /**
   * The environment for a {@code hiro client} or {@code hiro admin} process against this cluster:
   * HIRO_MASTER, HIRO_SECRET_FILE and, with TLS, HIRO_TLS_CERT, HIRO_TLS_KEY and HIRO_TLS_CA.
   */
  public Map<String, String> clientEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HIRO_MASTER", masterAddress().toString());
    env.put(SecretLookup.FILE_ENVIRONMENT_VARIABLE, secretFile().toString());
    if (certs != null) {
      TlsFiles files = certs.node(CLIENT);
      env.put(TlsOptions.CERTIFICATE_ENVIRONMENT_VARIABLE, files.certificate().toString());
      env.put(TlsOptions.KEY_ENVIRONMENT_VARIABLE, files.privateKey().toString());
      env.put(TlsOptions.CA_ENVIRONMENT_VARIABLE, files.certificateAuthority().toString());
    }
    return env;
  }

  public long masterPid() {
    return master.pid();
  }

  public long workerPid(int index) {
    return workers.get(index).pid();
  }

  public void startMaster() {
    String expected = workerPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    List<String> arguments = new ArrayList<>(List.of("master", "--port", Integer.toString(masterPort),
        "--bind", "127.0.0.1", "--workers", expected, "--data", masterDataDir().toString(),
        "--heartbeat-interval", options.heartbeatInterval(), "--http-port", Integer.toString(masterHttpPort)));
    arguments.addAll(tlsOptions("master"));
    arguments.addAll(options.masterOptions());
    master = launch("master", arguments);
  }

  public void startWorker(int index) {
    startWorker(index, List.of());
  }

  /** Starts worker {@code index} with extra options for this start only (e.g. a small {@code --capacity}). */
  public void startWorker(int index, List<String> extraOptions) {
    List<String> arguments = new ArrayList<>(List.of("worker",
        "--port", Integer.toString(workerPorts.get(index)), "--bind", "127.0.0.1",
        "--master", masterAddress().toString(), "--data", workerDataDir(index).toString(),
        "--heartbeat-interval", options.heartbeatInterval(), "--secret-file", secretFile().toString(),
        "--http-port", Integer.toString(workerHttpPorts.get(index))));
    arguments.addAll(tlsOptions("worker-" + (index + 1)));
    arguments.addAll(options.workerOptions());
    arguments.addAll(extraOptions);
    workers.set(index, launch("worker-" + (index + 1), arguments));
  }

  public boolean workerRunning(int index) {
    return workers.get(index) != null && workers.get(index).isAlive();
  }

  /** How many of the cluster's daemons are not running (crashed, or killed by a test). */
  public int daemonsNotRunning() {
    int notRunning = masterRunning() ? 0 : 1;
    for (int w = 0; w < workerCount(); w++) {
      notRunning += workerRunning(w) ? 0 : 1;
    }
    return notRunning;
  }

  public boolean masterRunning() {
    return master != null && master.isAlive();
  }

  /** Kills worker {@code index} with SIGKILL, as {@code kill -9} does, and waits until it is gone. */
  public void killWorker(int index) {
    kill(workers.get(index));
  }

  public void killMaster() {
    kill(master);
  }

  /** Waits until the master sees {@code count} live workers. */
  public void awaitLiveWorkers(int count, Duration timeout) {
    awaitLiveWorkers(count, timeout, false);
  }

  /** As above; with {@code everyWorker}, a worker process that exited ends the wait with its log's last lines. */
  private void awaitLiveWorkers(int count, Duration timeout, boolean everyWorker) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer from the master yet";
    while (System.nanoTime() < deadline) {
      checkAlive();
      if (everyWorker) {
        checkWorkersAlive();
      }
      try (HiroClient client = client()) {
        ClusterReport report = client.report();
        long live = report.workers().stream().filter(WorkerInfo::isLive).count();
        if (live >= count) {
          return;
        }
        last = live + " of " + count + " workers live: "
            + report.workers().stream().map(WorkerInfo::state).toList();
      } catch (HiroException e) {
        last = e.getMessage();
      }
      pause(200);
    }
    throw HiroException.unavailable("cluster in %s did not come up within %s (%s); see the logs there",
        baseDir, timeout, last);
  }

  /** Stops every process (SIGTERM, then SIGKILL after a grace period). */
  @Override
  public void close() {
    List<Process> all = new ArrayList<>(workers);
    all.add(master);
    for (Process process : all) {
      if (process != null) {
        process.destroy();
      }
    }
    for (Process process : all) {
      if (process != null) {
        awaitExit(process, 10);
      }
    }
  }

  private void checkAlive() {
    checkRunning(master, "the master", "master", "");
  }

  private void checkWorkersAlive() {
    for (int w = 0; w < workerCount(); w++) {
      checkRunning(workers.get(w), "worker " + (w + 1), "worker-" + (w + 1), " while the cluster started");
    }
  }

  /** Throws, with the end of its log, if {@code process} (started as {@code name}) has exited. */
  private void checkRunning(Process process, String who, String name, String when) {
    if (process != null && !process.isAlive()) {
      Path log = baseDir.resolve(name + ".log");
      throw HiroException.unavailable("%s exited with code %d%s; see %s, which ends: %s", who, process.exitValue(),
          when, log, lastLines(log, 3));
    }
  }

  /** The last {@code count} lines of {@code log}, for a message (a test's temp dir is gone when it is read). */
  private static String lastLines(Path log, int count) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  private Process launch(String name, List<String> arguments) {
    List<String> command = new ArrayList<>(options.launcher());
    command.addAll(arguments);
    try {
      Files.createDirectories(baseDir);
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(baseDir.resolve(name + ".log").toFile()));
      INHERITED_NOT.forEach(builder.environment()::remove);
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + " with " + command, e);
    }
  }

  private List<String> tlsOptions(String node) {
    return certs == null ? List.of() : certs.options(node);
  }

  private static void kill(Process process) {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    awaitExit(process, 10);
  }

  private static void awaitExit(Process process, int seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(seconds, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw HiroException.unavailable("interrupted while waiting for the cluster");
    }
  }
}
