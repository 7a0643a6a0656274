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

  public static ByteString issue(long pieceId, PieceOperation operation, Instant expiry) {
    return ByteString.copyFrom(TOKENS.issue(new PieceId(pieceId), operation, expiry));
  }

  /** A token of the same shape, signed with another cluster's secret. */
  public static ByteString forged(long pieceId, PieceOperation operation) {
    return ByteString.copyFrom(new PieceTokens(ClusterSecret.generate(new SecureRandom()), Duration.ZERO)
        .issue(new PieceId(pieceId), operation, Instant.now().plus(Duration.ofHours(1))));
  }
}
