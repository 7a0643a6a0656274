package io.hiro.master.config;

import io.hiro.common.Checks;
import io.hiro.common.HostPort;
import io.hiro.common.Limits;
import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.TlsFiles;
import io.hiro.common.http.HttpPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything the master is told at start, validated once here. A bad value is the user's
 * INVALID_ARGUMENT ({@link io.hiro.common.HiroException#invalid}), raised before anything starts.
 *
 * @param minReplicas replicas every piece needs for a put to succeed; 0 means automatic:
 *     2 where two workers are live, else 1
 * @param checkpointEveryOperations a checkpoint is written after this many journaled operations
 * @param checkpointInterval ... or after this much time with at least one operation
 * @param safeModeGrace after a restart, the longest wait for the known workers to report before
 *     the master deletes or re-replicates anything
 * @param replicationCopiesPerWorkerMax re-replication copies a worker sends at once
 * @param replicationBandwidthBytesPerSecond re-replication bytes per second, cluster-wide
 * @param orphanGrace replicas no file or upload owns are deleted after they have been reported this long
 * @param secretFile the cluster secret, created there on first start; {@code dataDir/cluster.secret} unless given
 * @param tls the TLS files of the master's server; null: plaintext
 * @param httpPort port of the status page and {@code /metrics} (0: any free port), or
 *     {@link HttpPorts#OFF}; the builder's default is off, the CLI's the gRPC port + 1
 */
public record MasterConfig(
    String bindHost,
    int port,
    List<HostPort> expectedWorkers,
    Path dataDir,
    Duration heartbeatInterval,
    Duration deadAfter,
    int defaultReplication,
    long defaultPieceSizeBytes,
    int minReplicas,
    Duration uploadExpiry,
    long checkpointEveryOperations,
    Duration checkpointInterval,
    Duration safeModeGrace,
    int replicationCopiesPerWorkerMax,
    long replicationBandwidthBytesPerSecond,
    Duration orphanGrace,
    Path secretFile,
    TlsFiles tls,
    int httpPort) {

  public MasterConfig {
    Checks.require(bindHost != null && !bindHost.isBlank(), "bind address is empty; use e.g. --bind 0.0.0.0");
    Checks.require(port >= 0 && port < 65536, "port %d is not between 0 and 65535", port);
    Checks.require(expectedWorkers != null, "expected workers list is missing");
    expectedWorkers = List.copyOf(expectedWorkers);
    Checks.require(expectedWorkers.size() <= Limits.WORKERS_MAX,
        "%d workers expected; the limit is %d", expectedWorkers.size(), Limits.WORKERS_MAX);
    Checks.require(dataDir != null, "data directory is missing; use --data DIR");
    Checks.require(heartbeatInterval != null && !heartbeatInterval.isNegative() && !heartbeatInterval.isZero()
        && heartbeatInterval.compareTo(Duration.ofHours(1)) <= 0,
        "heartbeat interval %s must be positive and at most 1h", heartbeatInterval);
    Checks.require(deadAfter != null && deadAfter.compareTo(heartbeatInterval.multipliedBy(2)) >= 0,
        "dead-after %s must be at least twice the heartbeat interval %s, or one late heartbeat kills a worker",
        deadAfter, heartbeatInterval);
    Checks.require(defaultReplication >= 1 && defaultReplication <= Limits.REPLICATION_MAX,
        "replication %d is not between 1 and %d", defaultReplication, Limits.REPLICATION_MAX);
    Checks.require(defaultPieceSizeBytes >= Limits.PIECE_SIZE_MIN_BYTES
        && defaultPieceSizeBytes <= Limits.PIECE_SIZE_MAX_BYTES,
        "piece size %d bytes is not between %d (64KiB) and %d (1GiB)",
        defaultPieceSizeBytes, Limits.PIECE_SIZE_MIN_BYTES, Limits.PIECE_SIZE_MAX_BYTES);
    Checks.require(minReplicas >= 0 && minReplicas <= Limits.REPLICATION_MAX,
        "min-replicas %d is not between 0 (automatic) and %d", minReplicas, Limits.REPLICATION_MAX);
    Checks.require(uploadExpiry != null && uploadExpiry.compareTo(Duration.ofSeconds(1)) >= 0,
        "upload expiry %s must be at least 1s", uploadExpiry);
    Checks.require(checkpointEveryOperations >= 1, "checkpoint-every %d must be at least 1", checkpointEveryOperations);
    Checks.require(checkpointInterval != null && checkpointInterval.compareTo(Duration.ofSeconds(1)) >= 0,
        "checkpoint interval %s must be at least 1s", checkpointInterval);
    Checks.require(safeModeGrace != null && !safeModeGrace.isNegative(),
        "safe-mode grace %s must not be negative", safeModeGrace);
    Checks.require(replicationCopiesPerWorkerMax >= 1 && replicationCopiesPerWorkerMax <= 64,
        "re-replication copies per worker %d is not between 1 and 64", replicationCopiesPerWorkerMax);
    Checks.require(replicationBandwidthBytesPerSecond >= 1024 * 1024,
        "re-replication bandwidth %d bytes/s is below 1MiB/s", replicationBandwidthBytesPerSecond);
    Checks.require(orphanGrace != null && orphanGrace.compareTo(Duration.ofSeconds(1)) >= 0,
        "orphan grace %s must be at least 1s", orphanGrace);
    secretFile = secretFile != null ? secretFile : dataDir.resolve(ClusterSecret.FILE_NAME);
    Checks.require(tls == null || tls.hasKeyPair(),
        "a master serves TLS only with its certificate and key: give --tls-cert and --tls-key with --tls-ca");
    Checks.require(httpPort == HttpPorts.OFF || (httpPort >= 0 && httpPort < 65536),
        "HTTP port %d is not between 0 and 65535 (or off)", httpPort);
    Checks.require(httpPort == HttpPorts.OFF || httpPort == 0 || httpPort != port,
        "HTTP port %d is the gRPC port too; choose another with --http-port", httpPort);
  }

  public static Builder builder() {
    return new Builder();
  }

  public long heartbeatIntervalMillis() {
    return heartbeatInterval.toMillis();
  }

  public long deadAfterMillis() {
    return deadAfter.toMillis();
  }

  public long uploadExpiryMillis() {
    return uploadExpiry.toMillis();
  }

  /** Collects values with the documented defaults; {@link #build()} validates them. */
  public static final class Builder {
    private String bindHost = "0.0.0.0";
    private int port = 8080;
    private List<HostPort> expectedWorkers = List.of();
    private Path dataDir = Path.of("hiro-data", "master");
    private Duration heartbeatInterval = Duration.ofSeconds(3);
    private Duration deadAfter = Duration.ofSeconds(30);
    private int defaultReplication = Limits.REPLICATION_DEFAULT;
    private long defaultPieceSizeBytes = Limits.PIECE_SIZE_DEFAULT_BYTES;
    private int minReplicas = 0;
    private Duration uploadExpiry = Duration.ofHours(1);
    private long checkpointEveryOperations = 100_000;
    private Duration checkpointInterval = Duration.ofMinutes(10);
    private Duration safeModeGrace = Duration.ofSeconds(30);
    private int replicationCopiesPerWorkerMax = 2;
    private long replicationBandwidthBytesPerSecond = 100L * 1024 * 1024;
    private Duration orphanGrace = Duration.ofMinutes(10);
    private Path secretFile;
    private TlsFiles tls;
    private int httpPort = HttpPorts.OFF;

    private Builder() {}

    public Builder bindHost(String value) {
      bindHost = value;
      return this;
    }

    public Builder port(int value) {
      port = value;
      return this;
    }

    public Builder expectedWorkers(List<HostPort> value) {
      expectedWorkers = value;
      return this;
    }

    public Builder dataDir(Path value) {
      dataDir = value;
      return this;
    }

    public Builder heartbeatInterval(Duration value) {
      heartbeatInterval = value;
      return this;
    }

    public Builder deadAfter(Duration value) {
      deadAfter = value;
      return this;
    }

    public Builder defaultReplication(int value) {
      defaultReplication = value;
      return this;
    }

    public Builder defaultPieceSizeBytes(long value) {
      defaultPieceSizeBytes = value;
      return this;
    }

    public Builder minReplicas(int value) {
      minReplicas = value;
      return this;
    }

    public Builder uploadExpiry(Duration value) {
      uploadExpiry = value;
      return this;
    }

    public Builder checkpointEveryOperations(long value) {
      checkpointEveryOperations = value;
      return this;
    }

    public Builder checkpointInterval(Duration value) {
      checkpointInterval = value;
      return this;
    }

    public Builder safeModeGrace(Duration value) {
      safeModeGrace = value;
      return this;
    }

    public Builder replicationCopiesPerWorkerMax(int value) {
      replicationCopiesPerWorkerMax = value;
      return this;
    }

    public Builder replicationBandwidthBytesPerSecond(long value) {
      replicationBandwidthBytesPerSecond = value;
      return this;
    }

    public Builder orphanGrace(Duration value) {
      orphanGrace = value;
      return this;
    }

    /** Where the cluster secret is, or is created; null: {@code dataDir/cluster.secret}. */
    public Builder secretFile(Path value) {
      secretFile = value;
      return this;
    }

    /** The server's TLS files; null: plaintext. */
    public Builder tls(TlsFiles value) {
      tls = value;
      return this;
    }

    public Builder httpPort(int value) {
      httpPort = value;
      return this;
    }

    public MasterConfig build() {
      return new MasterConfig(bindHost, port, expectedWorkers, dataDir, heartbeatInterval, deadAfter,
          defaultReplication, defaultPieceSizeBytes, minReplicas, uploadExpiry, checkpointEveryOperations,
          checkpointInterval, safeModeGrace, replicationCopiesPerWorkerMax, replicationBandwidthBytesPerSecond,
          orphanGrace, secretFile, tls, httpPort);
    }
  }
}
