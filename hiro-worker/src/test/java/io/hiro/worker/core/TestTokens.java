package io.hiro.worker.core;

import com.google.protobuf.ByteString;
import io.hiro.common.PieceId;
import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.PieceOperation;
import io.hiro.common.security.PieceTokens;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The tests' cluster secret and the piece tokens a master with it would hand out. */
public final class TestTokens {
  public static final ClusterSecret SECRET = ClusterSecret.generate(new SecureRandom());
  private static final PieceTokens TOKENS = new PieceTokens(SECRET, Duration.ZERO);
  /** What a worker with {@link #SECRET} checks. */
  public static final PieceTokenCheck CHECK = PieceTokenCheck.of(TOKENS, Clock.systemUTC());

  private TestTokens() {}

  public static ByteString write(long pieceId) {
    return issue(pieceId, PieceOperation.WRITE, Instant.now().plus(Duration.ofHours(1)));
  }

  public static ByteString read(long pieceId) {
    return issue(pieceId, PieceOperation.READ, Instant.now().plus(Duration.ofHours(1)));
  }

  public static ByteString copy(long pieceId) {
    return issue(pieceId, PieceOperation.COPY, Instant.now().plus(Duration.ofHours(1)));
  }

  /** A DELETE token as the master hands out, valid for five minutes. */
  public static ByteString delete(long pieceId) {
    return issue(pieceId, PieceOperation.DELETE, Instant.now().plus(Duration.ofMinutes(5)));
  }

  public static ByteString issue(long pieceId, PieceOperation operation, Instant expiry) {
    return ByteString.copyFrom(TOKENS.issue(new PieceId(pieceId), operation, expiry));
  }

  /**
   * Every token a worker must refuse for {@code operation} on {@code pieceId}, by what is wrong with
   * it; {@code wrong} is an operation the worker must not take in its place. Expired ones expired two
   * minutes ago, beyond a worker's clock-skew tolerance.
   */
  public static Map<String, ByteString> bad(long pieceId, PieceOperation operation, PieceOperation wrong) {
    Instant later = Instant.now().plus(Duration.ofHours(1));
    Map<String, ByteString> tokens = new LinkedHashMap<>();
    tokens.put("no token", ByteString.EMPTY);
    tokens.put("another piece's token", issue(pieceId + 1, operation, later));
    tokens.put("a " + wrong + " token", issue(pieceId, wrong, later));
    tokens.put("an expired token", issue(pieceId, operation, Instant.now().minus(Duration.ofMinutes(2))));
    tokens.put("a tampered token", tampered(issue(pieceId, operation, later)));
    tokens.put("another cluster's token", forged(pieceId, operation));
    tokens.put("a truncated token", issue(pieceId, operation, later).substring(0, 20));
    return tokens;
  }

  /** The same token with one byte of its expiry changed: the signature no longer matches. */
  public static ByteString tampered(ByteString token) {
    byte[] bytes = token.toByteArray();
    bytes[12] += 1;
    return ByteString.copyFrom(bytes);
  }

  /** A token of the same shape, signed with another cluster's secret. */
  public static ByteString forged(long pieceId, PieceOperation operation) {
    return ByteString.copyFrom(new PieceTokens(ClusterSecret.generate(new SecureRandom()), Duration.ZERO)
        .issue(new PieceId(pieceId), operation, Instant.now().plus(Duration.ofHours(1))));
  }
}
