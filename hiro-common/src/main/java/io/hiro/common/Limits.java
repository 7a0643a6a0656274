package io.hiro.common;

/** Every named maximum in Hiro, in one place, checked where data enters. */
public final class Limits {
  private Limits() {}

  public static final int PATH_LENGTH_MAX = 4096;
  public static final int PATH_SEGMENT_LENGTH_MAX = 255;
  public static final int PATH_DEPTH_MAX = 256;

  public static final long PIECE_SIZE_MIN_BYTES = 64L * 1024;
  public static final long PIECE_SIZE_MAX_BYTES = 1024L * 1024 * 1024;
  public static final long PIECE_SIZE_DEFAULT_BYTES = 64L * 1024 * 1024;
  public static final long FILE_SIZE_MAX_BYTES = 64L * 1024 * 1024 * 1024 * 1024; // 64 TiB
  public static final long PIECES_PER_FILE_MAX = 1_000_000;

  public static final int REPLICATION_MAX = 16;
  public static final int REPLICATION_DEFAULT = 3;

  /** Bytes of piece data in one stream message. */
  public static final int MESSAGE_DATA_BYTES = 1024 * 1024;
  /**
   * HTTP/2 flow-control window per stream. Larger than one data message, so that a chain hop can
   * receive the next message while it writes the current one; it also bounds what a stream buffers.
   */
  public static final int FLOW_CONTROL_WINDOW_BYTES = 8 * 1024 * 1024;
  /** Largest gRPC message any Hiro endpoint accepts (a data message plus its framing). */
  public static final int GRPC_MESSAGE_MAX_BYTES = 8 * 1024 * 1024;
  /** Calls one connection may have open at once on any Hiro server (a worker takes 32 piece streams). */
  public static final int CALLS_PER_CONNECTION_MAX = 256;
  /** HTTP/2 stream resets one connection may send per {@link #RESETS_WINDOW_SECONDS} ("rapid reset"). */
  public static final int RESETS_PER_WINDOW_MAX = 500;
  public static final int RESETS_WINDOW_SECONDS = 10;

  /**
   * Connections one remote address (an IPv6 /64) may hold open on one listening port (gRPC or HTTP)
   * of a daemon; more are closed at once. {@code hiro bench} from one machine holds about a dozen on
   * a port (8 clients and 3 workers, each one connection per daemon), a browser 6 on an HTTP port.
   */
  public static final int CONNECTIONS_PER_ADDRESS_MAX = 64;
  /**
   * Connections one listening port holds open in all; more are closed at once. A master has two
   * ports, a worker two: with the JVM's file descriptor limit (raised to the hard limit, usually far
   * above 4,096) this leaves room for the journal, the replicas and the daemon's own connections.
   */
  public static final int CONNECTIONS_MAX = 1024;
  /**
   * Time a new gRPC connection has to finish its TLS handshake and send the HTTP/2 preface and first
   * SETTINGS; one that has not is closed. gRPC clients do both at once after connecting.
   */
  public static final int HANDSHAKE_TIMEOUT_SECONDS = 10;
  /** Time a new HTTP connection has to send a whole request; one that has not is closed ("slowloris"). */
  public static final int HTTP_REQUEST_TIMEOUT_SECONDS = 10;
  /** Time an HTTP connection may stay open between requests (keep-alive) before it is closed. */
  public static final int HTTP_IDLE_TIMEOUT_SECONDS = 30;
  /** Bytes of one HTTP request (line, headers and body) the status and metrics ports accept. */
  public static final int HTTP_REQUEST_MAX_BYTES = 16 * 1024;
  /** Requests one HTTP connection may have waiting for their answers (pipelined); more close it. */
  public static final int HTTP_PIPELINED_MAX = 8;
  /**
   * Calls from one address refused for their credential or token (PERMISSION_DENIED, UNAUTHENTICATED)
   * within {@link #REFUSALS_WINDOW_SECONDS} after which the address cools down: its calls are refused
   * with RESOURCE_EXHAUSTED, unchecked and unlogged, for {@link #REFUSAL_COOLDOWN_SECONDS}. A worker with
   * a wrong secret stops after 3 refusals, a client after 1: only a stranger gets near 50.
   */
  public static final int REFUSALS_PER_WINDOW_MAX = 50;
  public static final int REFUSALS_WINDOW_SECONDS = 10;
  public static final int REFUSAL_COOLDOWN_SECONDS = 10;
  /** Remote addresses whose refusals a daemon tracks at once (about 100 bytes each). */
  public static final int REFUSING_ADDRESSES_MAX = 10_000;
  /** At most one WARN per this interval for connections closed by a bound (the rest are counted in it). */
  public static final int BOUND_WARN_INTERVAL_SECONDS = 10;
  /** Block size of the per-block CRC32C kept with each replica. */
  public static final int REPLICA_BLOCK_BYTES = 64 * 1024;

  public static final int LIST_ENTRIES_MAX = 100_000;
  public static final int DELETES_PER_HEARTBEAT_MAX = 10_000;
  public static final int REPLICAS_PER_REPORT_MAX = 10_000_000;
  public static final int WORKERS_MAX = 10_000;

  /**
   * Call credentials of state-changing calls the master remembers, to refuse replays
   * ({@link io.hiro.common.security.ReplayCache}): 8 bytes each, in tables at most 4x that, so at
   * most 8 MiB. At the mkdir benchmark's ~8,000 calls/s that is ~30 s of calls; under such a load the
   * master accepts credentials up to ~30 s old instead of 5 minutes, and refuses none of its callers.
   */
  public static final int REPLAY_CACHE_ENTRIES_MAX = 1 << 18;
  /** Width of one time bucket of the replay cache: the grain at which old credentials are forgotten. */
  public static final long REPLAY_CACHE_BUCKET_MILLIS = 1_000;
  /**
   * While the replay cache is full, how far ahead of the master's clock a new credential may be
   * (instead of 5 minutes): room is made by forgetting the oldest seconds, never the ones to come.
   */
  public static final long REPLAY_CACHE_AHEAD_WHEN_FULL_MILLIS = 10_000;
}
