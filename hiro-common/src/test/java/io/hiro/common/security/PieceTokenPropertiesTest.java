package io.hiro.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Whatever bytes arrive as a token, only one the master issued opens a piece, and nothing but a refusal is thrown. */
class PieceTokenPropertiesTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final Set<PieceOperation> ANY = EnumSet.allOf(PieceOperation.class);
  private final PieceTokens tokens = new PieceTokens(ClusterSecret.fromEnvironment("5a".repeat(32)), Duration.ofSeconds(30));

  @Property(tries = 2000)
  void randomBytesNeverOpenAPiece(@ForAll @Size(max = 80) byte[] bytes, @ForAll long piece) {
    assertRefused(bytes, new PieceId(piece));
  }

  @Property(tries = 2000)
  void randomBytesOfTheRightLengthAndVersionNeverOpenAPiece(
      @ForAll @Size(value = PieceTokens.TOKEN_BYTES) byte[] bytes, @ForAll long piece) {
    bytes[0] = PieceTokens.VERSION;
    assertRefused(bytes, new PieceId(piece));
  }

  @Property(tries = 2000)
  void aMutatedTokenNeverOpensAPiece(@ForAll long piece, @ForAll("operations") PieceOperation operation,
      @ForAll @IntRange(min = 0, max = PieceTokens.TOKEN_BYTES - 1) int index,
      @ForAll @IntRange(min = 1, max = 255) int flip, @ForAll @IntRange(min = -3, max = 3) int lengthChange) {
    byte[] token = tokens.issue(new PieceId(piece), operation, NOW.plusSeconds(600));
    token[index] ^= (byte) flip;
    byte[] mutated = Arrays.copyOf(token, Math.max(0, token.length + lengthChange));
    assertRefused(mutated, new PieceId(piece));
  }

  @Provide
  Arbitrary<PieceOperation> operations() {
    return Arbitraries.of(PieceOperation.class);
  }

  private void assertRefused(byte[] bytes, PieceId piece) {
    Throwable thrown = catchThrowable(() -> tokens.verify(bytes, piece, ANY, NOW));
    assertThat(thrown).as("verify must refuse").isInstanceOf(HiroException.class);
    assertThat(((HiroException) thrown).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
  }
}
