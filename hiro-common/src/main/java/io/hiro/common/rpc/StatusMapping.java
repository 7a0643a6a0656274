package io.hiro.common.rpc;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where Hiro's errors become gRPC statuses and back. A status never says UNKNOWN
 * and never carries a Java class name: unexpected exceptions become INTERNAL with a short text.
 */
public final class StatusMapping {
  private static final Logger LOG = LoggerFactory.getLogger(StatusMapping.class);

  private StatusMapping() {}

  public static Status toStatus(Throwable error) {
    if (error instanceof HiroException e) {
      return statusOf(e.code()).withDescription(e.getMessage());
    }
    if (error instanceof StatusRuntimeException e) {
      return e.getStatus();
    }
    if (error instanceof StatusException e) {
      return e.getStatus();
    }
    LOG.error("internal error", error);
    return Status.INTERNAL.withDescription("internal error in Hiro: " + error.getMessage());
  }

  public static StatusRuntimeException toGrpc(Throwable error) {
    return toStatus(error).asRuntimeException();
  }

  /** Replies to a unary call with the status for {@code error}. */
  public static void fail(StreamObserver<?> responses, Throwable error) {
    responses.onError(toGrpc(error));
  }

  public static Status statusOf(ErrorCode code) {
    return switch (code) {
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.NOT_FOUND;
      case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
      case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
      case UNAVAILABLE -> Status.UNAVAILABLE;
      case DATA_LOSS -> Status.DATA_LOSS;
      case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
      case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
      case DEADLINE_EXCEEDED -> Status.DEADLINE_EXCEEDED;
      case INTERNAL -> Status.INTERNAL;
    };
  }

  public static ErrorCode codeOf(Status status) {
    return switch (status.getCode()) {
      case INVALID_ARGUMENT, OUT_OF_RANGE -> ErrorCode.INVALID_ARGUMENT;
      case NOT_FOUND -> ErrorCode.NOT_FOUND;
      case ALREADY_EXISTS -> ErrorCode.ALREADY_EXISTS;
      case FAILED_PRECONDITION, ABORTED -> ErrorCode.FAILED_PRECONDITION;
      case UNAVAILABLE, CANCELLED -> ErrorCode.UNAVAILABLE;
      case DATA_LOSS -> ErrorCode.DATA_LOSS;
      case RESOURCE_EXHAUSTED -> ErrorCode.RESOURCE_EXHAUSTED;
      case PERMISSION_DENIED, UNAUTHENTICATED -> ErrorCode.PERMISSION_DENIED;
      case DEADLINE_EXCEEDED -> ErrorCode.DEADLINE_EXCEEDED;
      default -> ErrorCode.INTERNAL;
    };
  }

  /** Turns a failed call into a {@link HiroException}, saying which endpoint failed. */
  public static HiroException fromGrpc(Throwable error, String endpoint) {
    if (error instanceof HiroException e) {
      return e;
    }
    Status status = Status.fromThrowable(error);
    String description = status.getDescription() != null ? status.getDescription() : status.getCode().name();
    if (status.getCode() == Status.Code.UNAVAILABLE && isTlsFailure(status)) {
      // Retrying cannot fix a certificate: say so, with the options to check, instead of "unreachable".
      String reason = rootMessage(status);
      return new HiroException(ErrorCode.PERMISSION_DENIED, reason.startsWith("not an SSL/TLS record")
          ? "TLS handshake with " + endpoint + " failed: it does not speak TLS (started without --tls-cert?)"
          : "TLS handshake with " + endpoint + " failed (" + reason + "); both ends need certificates from the "
              + "same CA, naming the host dialled: check --tls-cert, --tls-key and --tls-ca", error);
    }
    if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      description = endpoint + " did not answer in time";
    } else if (status.getCode() == Status.Code.UNAVAILABLE && isConnectionFailure(status)) {
      String reason = rootMessage(status);
      // What a TLS server does to a plaintext client: it sees no TLS hello and hangs up without a word.
      // It closes the connection, or resets it when our first bytes are still unread: the client sees either.
      boolean hungUp = reason.contains("Network closed for unknown reason") || reason.contains("Connection reset by peer");
      description = endpoint + " unreachable (" + reason + ")"
          + (hungUp ? "; if it runs with TLS, give --tls-cert, --tls-key and --tls-ca" : "");
    } else if (!description.contains(endpoint)
        && (status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.INTERNAL)) {
      description = endpoint + ": " + description;
    }
    return new HiroException(codeOf(status), description, error);
  }

  /** True when a TLS handshake failed (a certificate was missing or not trusted); not when it timed out. */
  private static boolean isTlsFailure(Status status) {
    for (Throwable cause = status.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof SSLException && !cause.getClass().getSimpleName().contains("Timeout")) {
        return true;
      }
    }
    return false;
  }

  /** True when the call never reached the other side or the connection broke. */
  private static boolean isConnectionFailure(Status status) {
    if (status.getCause() != null) {
      return true;
    }
    String description = status.getDescription();
    return description == null || description.startsWith("io exception") || description.contains("Network closed")
        || description.contains("Connection refused") || description.contains("Unable to resolve");
  }

  private static String rootMessage(Status status) {
    Throwable cause = status.getCause();
    while (cause != null && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause != null && cause.getMessage() != null) {
      return cause.getMessage();
    }
    return status.getDescription() != null ? status.getDescription() : "no answer";
  }
}
