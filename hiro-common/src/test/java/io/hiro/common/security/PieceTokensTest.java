package io.hiro.common.security;

import static io.hiro.common.security.SecurityAssertions.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.ErrorCode;
import io.hiro.common.PieceId;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PieceTokensTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final Duration SKEW = Duration.ofSeconds(30);
  private static final PieceId PIECE = new PieceId(0x1234_5678_9abc_def0L);

  private static final String SECRET_HEX = "8f".repeat(ClusterSecret.SECRET_BYTES);

  private final ClusterSecret secret = ClusterSecret.fromEnvironment(SECRET_HEX);
  private final PieceTokens tokens = new PieceTokens(secret, SKEW);

  @Test
  void aTokenOpensItsPieceForItsOperationUntilItExpires() {
    for (PieceOperation operation : PieceOperation.values()) {
      byte[] token = tokens.issue(PIECE, operation, NOW.plusSeconds(60));
      assertThat(token).hasSize(PieceTokens.TOKEN_BYTES);
      tokens.verify(token, PIECE, Set.of(operation), NOW);
      tokens.verify(token, PIECE, EnumSet.allOf(PieceOperation.class), NOW.plusSeconds(60));
    }
  }

  @Test
  void anotherMastersTokensWithTheSameSecretAreAccepted() {
    byte[] token = tokens.issue(PIECE, PieceOperation.READ, NOW.plusSeconds(60));
    new PieceTokens(ClusterSecret.fromEnvironment(SECRET_HEX), Duration.ZERO)
        .verify(token, PIECE, Set.of(PieceOperation.READ), NOW);
  }

  @Test
  void theLayoutIsVersionOperationPieceExpiryTag() {
    Instant expiry = Instant.ofEpochMilli(0x0102_0304_0506_0708L);
    byte[] token = tokens.issue(PIECE, PieceOperation.DELETE, expiry);
    assertThat(token[0]).isEqualTo(PieceTokens.VERSION);
    assertThat(token[1]).isEqualTo(PieceOperation.DELETE.code());
    assertThat(Arrays.copyOfRange(token, 2, 10))
        .containsExactly(0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0);
    assertThat(Arrays.copyOfRange(token, 10, 18)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
  }

  @Test
  void aTokenForAnotherPieceIsRefused() {
    byte[] token = tokens.issue(PIECE, PieceOperation.READ, NOW.plusSeconds(60));
    PieceId other = new PieceId(PIECE.value() + 1);
    assertThat(refusal(ErrorCode.PERMISSION_DENIED, () -> tokens.verify(token, other, Set.of(PieceOperation.READ), NOW)))
        .contains("is for piece " + PIECE + ", not piece " + other);
  }

  @Test
  void aTokenForAnotherOperationIsRefused() {
    byte[] token = tokens.issue(PIECE, PieceOperation.READ, NOW.plusSeconds(60));
    assertThat(refusal(ErrorCode.PERMISSION_DENIED,
        () -> tokens.verify(token, PIECE, EnumSet.of(PieceOperation.WRITE, PieceOperation.DELETE), NOW)))
        .contains("allows READ, not [WRITE, DELETE]");
  }

  @Test
  void anExpiredTokenIsRefusedOnlyAfterTheClockSkewTolerance() {
    byte[] token = tokens.issue(PIECE, PieceOperation.WRITE, NOW);
    tokens.verify(token, PIECE, Set.of(PieceOperation.WRITE), NOW.plus(SKEW));
    assertThat(refusal(ErrorCode.PERMISSION_DENIED,
        () -> tokens.verify(token, PIECE, Set.of(PieceOperation.WRITE), NOW.plus(SKEW).plusMillis(1))))
        .contains("expired at " + NOW).contains("ask the master for a new one");
  }

  @Test
  void changingAnyBitOfATokenBreaksItsSignature() {
    byte[] token = tokens.issue(PIECE, PieceOperation.WRITE, NOW.plusSeconds(60));
    for (int index = 0; index < token.length; index++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] tampered = token.clone();
        tampered[index] ^= (byte) (1 << bit);
        String message = refusal(ErrorCode.PERMISSION_DENIED,
            () -> tokens.verify(tampered, PIECE, EnumSet.allOf(PieceOperation.class), NOW));
        assertThat(message).as("byte %d bit %d", index, bit).containsAnyOf("bad signature", "malformed");
      }
    }
  }

  @Test
  void aTokenFromAnotherClusterIsRefused() {
    byte[] token = new PieceTokens(ClusterSecret.generate(new SecureRandom()), SKEW)
        .issue(PIECE, PieceOperation.READ, NOW.plusSeconds(60));
    assertThat(refusal(ErrorCode.PERMISSION_DENIED, () -> tokens.verify(token, PIECE, Set.of(PieceOperation.READ), NOW)))
        .contains("bad signature").contains("another cluster secret");
  }

  @Test
  void missingTruncatedLongAndGarbageTokensAreRefused() {
    byte[] token = tokens.issue(PIECE, PieceOperation.READ, NOW.plusSeconds(60));
    Set<PieceOperation> read = Set.of(PieceOperation.READ);
    assertThat(refusal(ErrorCode.PERMISSION_DENIED, () -> tokens.verify(null, PIECE, read, NOW))).contains("no piece token");
    assertThat(refusal(ErrorCode.PERMISSION_DENIED, () -> tokens.verify(new byte[0], PIECE, read, NOW)))
        .contains("no piece token");
    assertThat(refusal(ErrorCode.PERMISSION_DENIED,
        () -> tokens.verify(Arrays.copyOf(token, token.length - 1), PIECE, read, NOW))).contains("malformed");
    assertThat(refusal(ErrorCode.PERMISSION_DENIED,
        () -> tokens.verify(Arrays.copyOf(token, token.length + 1), PIECE, read, NOW))).contains("malformed");
    byte[] garbage = new byte[PieceTokens.TOKEN_BYTES];
    garbage[0] = PieceTokens.VERSION;
    assertThat(refusal(ErrorCode.PERMISSION_DENIED, () -> tokens.verify(garbage, PIECE, read, NOW)))
        .contains("bad signature");
  }

  @Test
  void anUnknownOperationCodeIsRefusedEvenWhenSigned() {
    byte[] token = tokens.issue(PIECE, PieceOperation.READ, NOW.plusSeconds(60));
    token[1] = 99;
    System.arraycopy(resign(token), 0, token, PieceTokens.SIGNED_BYTES, PieceTokens.TAG_BYTES);
    assertThat(refusal(ErrorCode.PERMISSION_DENIED,
        () -> tokens.verify(token, PIECE, EnumSet.allOf(PieceOperation.class), NOW))).contains("unknown operation");
  }

  private byte[] resign(byte[] token) {
    return new HmacSha256(secret.key(ClusterSecret.Purpose.PIECE_TOKENS)).sign(token, 0, PieceTokens.SIGNED_BYTES);
  }
}
