package io.hiro.common.security;

import io.hiro.common.Checks;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * Issues and checks piece tokens: short-lived permissions, signed by the master, for one operation
 * on one piece. A worker serves nothing without one, and a token for one piece opens no other.
 *
 * <p>Layout, {@value #TOKEN_BYTES} bytes, numbers big-endian:
 * <pre>
 *  offset  size  field
 *       0     1  version, {@value #VERSION}
 *       1     1  operation, {@link PieceOperation#code()}
 *       2     8  piece id ({@link PieceId#value()})
 *      10     8  expiry, milliseconds since the epoch (UTC)
 *      18    16  HMAC-SHA256 over bytes 0..17 under the {@link ClusterSecret.Purpose#PIECE_TOKENS} key,
 *                first 16 bytes
 * </pre>
 * A 128-bit tag is far beyond guessing in a token's lifetime (NIST SP 800-107 allows truncation to
 * 64 bits and more). Tokens are bearer permissions: anyone who sees one may use it until it expires,
 * which is why they are short-lived and why the wire should be TLS.
 *
 * <p>{@link #verify} checks in this order and says which check failed: missing, malformed (length,
 * version), signature (compared in constant time, before any field is trusted), piece, operation,
 * expiry (with {@code clockSkewTolerance} of grace, as the master's and the worker's clocks differ).
 * Every refusal is a {@link HiroException} with {@link ErrorCode#PERMISSION_DENIED}; nothing else is
 * thrown for any input. Thread-safe; no state but the key.
 */
public final class PieceTokens {
  public static final byte VERSION = 1;
  public static final int SIGNED_BYTES = 18;
  public static final int TAG_BYTES = 16;
  public static final int TOKEN_BYTES = SIGNED_BYTES + TAG_BYTES;
  /** The largest clock-skew tolerance accepted: more would make short-lived tokens long-lived. */
  public static final Duration CLOCK_SKEW_TOLERANCE_MAX = Duration.ofMinutes(10);

  private final HmacSha256 mac;
  private final long clockSkewToleranceMillis;

  /** Tokens under the {@link ClusterSecret.Purpose#PIECE_TOKENS} key of {@code secret}. */
  public PieceTokens(ClusterSecret secret, Duration clockSkewTolerance) {
    Checks.check(!clockSkewTolerance.isNegative() && clockSkewTolerance.compareTo(CLOCK_SKEW_TOLERANCE_MAX) <= 0,
        "clock-skew tolerance %s is outside 0..%s", clockSkewTolerance, CLOCK_SKEW_TOLERANCE_MAX);
    this.mac = new HmacSha256(secret.key(ClusterSecret.Purpose.PIECE_TOKENS));
    this.clockSkewToleranceMillis = clockSkewTolerance.toMillis();
  }

  /** A token allowing {@code operation} on {@code piece} until {@code expiry}. */
  public byte[] issue(PieceId piece, PieceOperation operation, Instant expiry) {
    ByteBuffer token = ByteBuffer.allocate(TOKEN_BYTES)
        .put(VERSION)
        .put(operation.code())
        .putLong(piece.value())
        .putLong(expiry.toEpochMilli());
    token.put(mac.sign(token.array(), 0, SIGNED_BYTES), 0, TAG_BYTES);
    return token.array();
  }

  /**
   * Returns normally iff {@code token} is one this cluster's master issued for {@code piece}, for
   * one of the {@code accepted} operations, and has not expired at {@code now}; otherwise throws
   * PERMISSION_DENIED saying why.
   */
  public void verify(byte[] token, PieceId piece, Set<PieceOperation> accepted, Instant now) {
    if (token == null || token.length == 0) {
      throw denied("no piece token for piece %s; only requests with a token from the master are served", piece);
    }
    if (token.length != TOKEN_BYTES || token[0] != VERSION) {
      throw denied("malformed piece token for piece %s (%d bytes, version %d; expected %d bytes, version %d)",
          piece, token.length, token[0], TOKEN_BYTES, VERSION);
    }
    byte[] expected = mac.sign(token, 0, SIGNED_BYTES);
    if (!MessageDigest.isEqual(prefix(expected), Arrays.copyOfRange(token, SIGNED_BYTES, TOKEN_BYTES))) {
      throw denied("piece token for piece %s has a bad signature: signed with another cluster secret, or altered",
          piece);
    }
    ByteBuffer fields = ByteBuffer.wrap(token, 1, SIGNED_BYTES - 1);
    Optional<PieceOperation> operation = PieceOperation.fromCode(fields.get());
    PieceId tokenPiece = new PieceId(fields.getLong());
    long expiryMillis = fields.getLong();
    if (!tokenPiece.equals(piece)) {
      throw denied("piece token is for piece %s, not piece %s", tokenPiece, piece);
    }
    if (operation.isEmpty() || !accepted.contains(operation.get())) {
      throw denied("piece token for piece %s allows %s, not %s", piece,
          operation.map(Enum::name).orElse("an unknown operation"), accepted);
    }
    // Written so that no expiry, however far off, can overflow the comparison.
    if (expiryMillis < now.toEpochMilli() - clockSkewToleranceMillis) {
      throw denied("piece token for piece %s expired at %s (now %s); ask the master for a new one", piece,
          Instant.ofEpochMilli(expiryMillis), now);
    }
  }

  private static byte[] prefix(byte[] tag) {
    return Arrays.copyOf(tag, TAG_BYTES);
  }

  private static HiroException denied(String format, Object... args) {
    return new HiroException(ErrorCode.PERMISSION_DENIED, String.format(format, args));
  }
}
