package io.hiro.worker.core;

import io.hiro.common.PieceId;
import io.hiro.common.security.PieceOperation;
import io.hiro.common.security.PieceTokens;
import java.time.Clock;
import java.util.Set;

/**
 * Checks the master's piece token on a request, before anything is read, written or forwarded.
 * A write stream takes a WRITE token (from a client's upload) or a COPY token (from a copy order);
 * a read takes a READ token; a delete order from the master a DELETE token. Every worker of a chain
 * checks the same token, which the chain forwards unchanged.
 */
@FunctionalInterface
public interface PieceTokenCheck {
  Set<PieceOperation> WRITE_OR_COPY = Set.of(PieceOperation.WRITE, PieceOperation.COPY);
  Set<PieceOperation> READ = Set.of(PieceOperation.READ);
  Set<PieceOperation> DELETE = Set.of(PieceOperation.DELETE);

  /** Returns normally iff {@code token} allows one of {@code accepted} on {@code piece} now; else PERMISSION_DENIED. */
  void check(byte[] token, PieceId piece, Set<PieceOperation> accepted);

  /** The check against the cluster's keys, at the time {@code clock} tells. */
  static PieceTokenCheck of(PieceTokens tokens, Clock clock) {
    return (token, piece, accepted) -> tokens.verify(token, piece, accepted, clock.instant());
  }
}
