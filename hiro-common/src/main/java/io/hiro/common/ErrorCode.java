package io.hiro.common;

/**
 * The classes of failure Hiro tells apart. Each maps to one gRPC status (in
 * {@link io.hiro.common.rpc.StatusMapping}) and one CLI exit code, documented in the README.
 */
public enum ErrorCode {
  /** Bad input: a malformed path, size, count or option. Nothing was changed. */
  INVALID_ARGUMENT(3),
  /** The path or piece does not exist. */
  NOT_FOUND(4),
  /** The path exists and the request did not allow replacing it. */
  ALREADY_EXISTS(5),
  /** The request is valid but not in this state (e.g. a directory is not empty). */
  FAILED_PRECONDITION(6),
  /** The master or enough workers cannot be reached now; trying again later may work. */
  UNAVAILABLE(7),
  /** Bytes failed their checksum on every replica, or a piece has no replica left. */
  DATA_LOSS(8),
  /** A limit was reached: disk full, too many requests, too large. */
  RESOURCE_EXHAUSTED(9),
  /** The caller may not do this (bad token, wrong cluster). */
  PERMISSION_DENIED(10),
  /** A deadline passed before the operation finished. */
  DEADLINE_EXCEEDED(11),
  /** A bug in Hiro. */
  INTERNAL(1);

  private final int exitCode;

  ErrorCode(int exitCode) {
    this.exitCode = exitCode;
  }

  /** The process exit code the CLI uses for this class of failure. */
  public int exitCode() {
    return exitCode;
  }
}
