package io.hiro.master.core;

import io.hiro.common.PieceId;
import io.hiro.common.security.CallVerifier;
import io.hiro.common.security.PieceOperation;
import io.hiro.common.security.PieceTokens;
import java.time.Duration;
import java.time.Instant;

/**
 * Which piece token each of the master's answers carries, and until when (see {@link PieceTokens}):
 * <ul>
 *   <li>WRITE, for every piece of an upload (CreateFile, AllocateChain), until the upload expires:
 *       after that it can no longer be committed, so its pieces are worthless;
 *   <li>READ, wherever replica locations go to a client (Stat), for {@link #READ_TOKEN_LIFETIME}: a
 *       client whose token expires during a long get asks again;
 *   <li>COPY, in each copy order of a heartbeat reply, until the copy's deadline: after that the
 *       master gives up on it and orders the copy again, with a new token;
 *   <li>DELETE, in each delete order of a heartbeat reply, for {@link #DELETE_TOKEN_LIFETIME}: the
 *       worker acts on it at once, so the lifetime only has to cover the clock difference between
 *       the master and the worker. A worker does not delete on the word of whoever answers its
 *       heartbeat (a machine posing as the master, without TLS), only with a token for that piece.
 * </ul>
 * A token is checked when a piece stream starts, so a stream that outlives its token's expiry is
 * not cut. Thread-safe; no state but the key.
 */
final class TokenIssuer {
  /** How long a read token lets a client start reading a piece. */
  static final Duration READ_TOKEN_LIFETIME = Duration.ofMinutes(15);
  /**
   * How long a delete token is valid: the clock difference the master allows a caller
   * ({@link CallVerifier#WINDOW_DEFAULT}), so a worker whose clock runs as far ahead as the master
   * lets it still takes the order (and the worker adds its own tolerance). A token seen on the wire
   * can be replayed for no longer.
   */
  static final Duration DELETE_TOKEN_LIFETIME = CallVerifier.WINDOW_DEFAULT;

  private final PieceTokens tokens;

  TokenIssuer(PieceTokens tokens) {
    this.tokens = tokens;
  }

  byte[] write(long pieceId, long uploadExpiresMillis) {
    return tokens.issue(new PieceId(pieceId), PieceOperation.WRITE, Instant.ofEpochMilli(uploadExpiresMillis));
  }

  byte[] read(long pieceId, long nowMillis) {
    return tokens.issue(new PieceId(pieceId), PieceOperation.READ,
        Instant.ofEpochMilli(nowMillis).plus(READ_TOKEN_LIFETIME));
  }

  byte[] copy(long pieceId, long copyDeadlineMillis) {
    return tokens.issue(new PieceId(pieceId), PieceOperation.COPY, Instant.ofEpochMilli(copyDeadlineMillis));
  }

  byte[] delete(long pieceId, long nowMillis) {
    return tokens.issue(new PieceId(pieceId), PieceOperation.DELETE,
        Instant.ofEpochMilli(nowMillis).plus(DELETE_TOKEN_LIFETIME));
  }
}
