package io.hiro.worker.config;

import io.hiro.common.Checks;
import io.hiro.common.HostPort;
import io.hiro.common.Sizes;
import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.TlsFiles;
import io.hiro.common.http.HttpPorts;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a worker is told at start, validated once here and logged once.
 *
 * @param bindHost the address the data service listens on (0.0.0.0: every interface)
 * @param port the data service's port; 0 picks a free one (tests)
 * @param master the master's cluster service
 * @param dataDir where the worker keeps its id and its replicas
 * @param advertiseHost the host others use to reach this worker; null: the address the OS uses to reach the master
 * @param heartbeatInterval time between heartbeats to the master
 * @param capacityBytes the most this worker stores; 0: the size of the disk holding {@code dataDir}
 * @param copyBandwidthBytesPerSecond the most all re-replication copies from this worker send together
 * @param scrubBytesPerSecond how fast the scrubber re-reads replicas; 0: no scrubbing
 * @param scrubInterval time between the end of one scrub pass and the start of the next
 * @param secret the cluster secret: signs the calls to the master and checks the piece tokens
 * @param tls the TLS files for the data service and every connection this worker opens; null: plaintext
 * @param httpPort port of {@code /metrics} (0: any free port), or {@link HttpPorts#OFF}; the builder's
 *     default is off, the CLI's the data port + 1000
 * @param directWrites write replicas with O_DIRECT where the file system allows it (default), else
 *     through the page cache
 */
public record WorkerConfig(
    String bindHost,
    int port,
    HostPort master,
    Path dataDir,
    String advertiseHost,
    Duration heartbeatInterval,
    long capacityBytes,
    long copyBandwidthBytesPerSecond,
    long scrubBytesPerSecond,
    Duration scrubInterval,
    ClusterSecret secret,
    TlsFiles tls,
    int httpPort,
    boolean directWrites) {

  public static final int DEFAULT_PORT = 5050;
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(3);
  public static final Duration HEARTBEAT_INTERVAL_MIN = Duration.ofMillis(10);
  public static final Duration HEARTBEAT_INTERVAL_MAX = Duration.ofMinutes(5);
  public static final long DEFAULT_COPY_BANDWIDTH_BYTES_PER_SECOND = 100L * 1024 * 1024;
  public static final long COPY_BANDWIDTH_MIN_BYTES_PER_SECOND = 64L * 1024;
  public static final long DEFAULT_SCRUB_BYTES_PER_SECOND = 16L * 1024 * 1024;
  public static final Duration DEFAULT_SCRUB_INTERVAL = Duration.ofHours(24);
  public static final Duration SCRUB_INTERVAL_MIN = Duration.ofMillis(10);
  public static final Duration SCRUB_INTERVAL_MAX = Duration.ofDays(365);

  public WorkerConfig {
    Checks.require(bindHost != null && !bindHost.isBlank(), "bind address is empty; use e.g. --bind 0.0.0.0");
    Checks.require(port >= 0 && port < 65536, "port %d is not between 0 and 65535", port);
    Checks.require(master != null, "the master's address is missing; give --master HOST:PORT or set HIRO_MASTER");
    Checks.require(dataDir != null, "the data directory is missing; give --data DIR");
    Checks.require(advertiseHost == null || !advertiseHost.isBlank(), "advertised host is empty");
    Checks.require(heartbeatInterval != null, "heartbeat interval is missing");
    Checks.require(heartbeatInterval.compareTo(HEARTBEAT_INTERVAL_MIN) >= 0
            && heartbeatInterval.compareTo(HEARTBEAT_INTERVAL_MAX) <= 0,
        "heartbeat interval %d ms is not between %d ms and %d ms",
        heartbeatInterval.toMillis(), HEARTBEAT_INTERVAL_MIN.toMillis(), HEARTBEAT_INTERVAL_MAX.toMillis());
    Checks.require(capacityBytes >= 0, "capacity %d is negative; use 0 for the whole disk", capacityBytes);
    Checks.require(copyBandwidthBytesPerSecond >= COPY_BANDWIDTH_MIN_BYTES_PER_SECOND,
        "copy bandwidth %d bytes per second is less than %s; give e.g. --copy-bandwidth 100MiB",
        copyBandwidthBytesPerSecond, Sizes.format(COPY_BANDWIDTH_MIN_BYTES_PER_SECOND));
    Checks.require(scrubBytesPerSecond >= 0, "scrub rate %d is negative; use 0 to turn scrubbing off",
        scrubBytesPerSecond);
    Checks.require(scrubInterval != null, "scrub interval is missing");
    Checks.require(scrubInterval.compareTo(SCRUB_INTERVAL_MIN) >= 0 && scrubInterval.compareTo(SCRUB_INTERVAL_MAX) <= 0,
        "scrub interval %d ms is not between %d ms and %d days", scrubInterval.toMillis(), SCRUB_INTERVAL_MIN.toMillis(),
        SCRUB_INTERVAL_MAX.toDays());
    Checks.require(secret != null, "the cluster secret is missing; give --secret-file FILE (a copy of the master's "
        + "cluster.secret)");
    Checks.require(tls == null || tls.hasKeyPair(),
        "a worker serves TLS only with its certificate and key: give --tls-cert and --tls-key with --tls-ca");
    Checks.require(httpPort == HttpPorts.OFF || (httpPort >= 0 && httpPort < 65536),
        "HTTP port %d is not between 0 and 65535 (or off)", httpPort);
    Checks.require(httpPort == HttpPorts.OFF || httpPort == 0 || httpPort != port,
        "HTTP port %d is the data port too; choose another with --http-port", httpPort);
    dataDir = dataDir.toAbsolutePath().normalize();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String toString() {
    return "WorkerConfig{bind=" + bindHost + ":" + port
        + ", master=" + master
        + ", data=" + dataDir
        + ", advertiseHost=" + (advertiseHost == null ? "auto" : advertiseHost)
        + ", heartbeatInterval=" + heartbeatInterval.toMillis() + "ms"
        + ", capacity=" + (capacityBytes == 0 ? "disk" : Sizes.format(capacityBytes))
        + ", copyBandwidth=" + Sizes.format(copyBandwidthBytesPerSecond) + "/s"
        + ", scrubRate=" + (scrubBytesPerSecond == 0 ? "off" : Sizes.format(scrubBytesPerSecond) + "/s")
        + ", scrubInterval=" + scrubInterval.toMillis() + "ms"
        + ", secret fingerprint " + secret.fingerprint()
        + ", " + (tls == null ? "plaintext" : "TLS")
        + ", httpPort=" + HttpPorts.describe(httpPort) + ", directWrites=" + directWrites + "}";
  }

  /** Builds a {@link WorkerConfig}; unset values take the documented defaults. */
  public static final class Builder {
    private String bindHost = "0.0.0.0";
    private int port = DEFAULT_PORT;
    private HostPort master;
    private Path dataDir;
    private String advertiseHost;
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private long capacityBytes;
    private long copyBandwidthBytesPerSecond = DEFAULT_COPY_BANDWIDTH_BYTES_PER_SECOND;
    private long scrubBytesPerSecond = DEFAULT_SCRUB_BYTES_PER_SECOND;
    private Duration scrubInterval = DEFAULT_SCRUB_INTERVAL;
    private ClusterSecret secret;
    private TlsFiles tls;
    private int httpPort = HttpPorts.OFF;
    private boolean directWrites = true;

    private Builder() {}

    public Builder bindHost(String bindHost) {
      this.bindHost = bindHost;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder master(HostPort master) {
      this.master = master;
      return this;
    }

    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    public Builder advertiseHost(String advertiseHost) {
      this.advertiseHost = advertiseHost;
      return this;
    }

    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = heartbeatInterval;
      return this;
    }

    public Builder capacityBytes(long capacityBytes) {
      this.capacityBytes = capacityBytes;
      return this;
    }

    public Builder copyBandwidthBytesPerSecond(long copyBandwidthBytesPerSecond) {
      this.copyBandwidthBytesPerSecond = copyBandwidthBytesPerSecond;
      return this;
    }

    public Builder scrubBytesPerSecond(long scrubBytesPerSecond) {
      this.scrubBytesPerSecond = scrubBytesPerSecond;
      return this;
    }

    public Builder scrubInterval(Duration scrubInterval) {
      this.scrubInterval = scrubInterval;
      return this;
    }

    public Builder secret(ClusterSecret secret) {
      this.secret = secret;
      return this;
    }

    /** TLS files; null: plaintext. */
    public Builder tls(TlsFiles tls) {
      this.tls = tls;
      return this;
    }

    public Builder httpPort(int httpPort) {
      this.httpPort = httpPort;
      return this;
    }

    public Builder directWrites(boolean directWrites) {
      this.directWrites = directWrites;
      return this;
    }

    public WorkerConfig build() {
      return new WorkerConfig(bindHost, port, master, dataDir, advertiseHost, heartbeatInterval, capacityBytes,
          copyBandwidthBytesPerSecond, scrubBytesPerSecond, scrubInterval, secret, tls, httpPort, directWrites);
    }
  }
}
