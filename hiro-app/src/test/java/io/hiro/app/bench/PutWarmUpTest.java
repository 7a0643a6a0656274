package io.hiro.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.common.HiroException;
import java.util.OptionalDouble;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class PutWarmUpTest {
  private static final OptionalDouble UNKNOWN = OptionalDouble.empty();

  /** The untimed puts made when put {@code n} (from 1) has the compilers' share {@code share.apply(n)}. */
  private static int putsMade(PutWarmUp warmUp, IntFunction<OptionalDouble> share) {
    for (int n = 1; n <= 1_000; n++) {
      if (warmUp.putDone(share.apply(n))) {
        return warmUp.done();
      }
    }
    throw new AssertionError("the warm-up never ended");
  }

  @Test
  void endsAfterTwoSettledPutsInARowOnceTheLeastIsMade() {
    // 12% up to the 9th put, then 4%: the 10th and 11th are settled
    assertThat(putsMade(new PutWarmUp(30, true), n -> OptionalDouble.of(n <= 9 ? 0.12 : 0.04))).isEqualTo(11);
    // settled from the 7th: the least, 8, is enough
    assertThat(putsMade(new PutWarmUp(30, true), n -> OptionalDouble.of(n < 7 ? 0.3 : 0.05))).isEqualTo(8);
    // a busy put after a settled one starts the count again
    assertThat(putsMade(new PutWarmUp(30, true), n -> OptionalDouble.of(n <= 6 || n == 8 ? 0.2 : 0.01))).isEqualTo(10);
  }

  @Test
  void endsAtTheMostWhenTheCompilersNeverSettle() {
    assertThat(putsMade(new PutWarmUp(30, true), n -> OptionalDouble.of(0.2))).isEqualTo(30);
    assertThat(putsMade(new PutWarmUp(PutWarmUp.MIN, true), n -> OptionalDouble.of(0.2))).isEqualTo(PutWarmUp.MIN);
  }

  @Test
  void makesTheLeastWhereTheClusterIsNotWatchedOrTheShareNeverKnown() {
    assertThat(putsMade(new PutWarmUp(30, false), n -> OptionalDouble.of(0.2))).isEqualTo(PutWarmUp.MIN);
    assertThat(putsMade(new PutWarmUp(30, true), n -> UNKNOWN)).isEqualTo(PutWarmUp.MIN);
  }

  @Test
  void aPutOfUnknownShareAfterKnownOnesIsNotSettled() {
    // settled at 7 and 8, unknown at 9, settled at 10 and 11
    assertThat(putsMade(new PutWarmUp(30, true), n -> n == 9 ? UNKNOWN : OptionalDouble.of(n < 7 ? 0.3 : 0.01)))
        .isEqualTo(8);
    assertThat(putsMade(new PutWarmUp(30, true), n -> n == 8 ? UNKNOWN : OptionalDouble.of(n < 7 ? 0.3 : 0.01)))
        .isEqualTo(10);
  }

  @Test
  void takesALeastOfItsOwnForRoundsOfSmallPuts() {
    // the small-file warm-up: at least 5 rounds, then until two settled rounds in a row (its time cap is the caller's)
    assertThat(putsMade(new PutWarmUp(5, Integer.MAX_VALUE, true), n -> OptionalDouble.of(n <= 12 ? 0.2 : 0.01)))
        .isEqualTo(14);
    assertThat(putsMade(new PutWarmUp(5, Integer.MAX_VALUE, true), n -> OptionalDouble.of(0.01))).isEqualTo(5);
    assertThat(putsMade(new PutWarmUp(5, Integer.MAX_VALUE, false), n -> OptionalDouble.of(0.2))).isEqualTo(5);
  }

  @Test
  void refusesAMostBelowTheLeast() {
    assertThatThrownBy(() -> new PutWarmUp(PutWarmUp.MIN - 1, true)).isInstanceOf(HiroException.class);
    assertThatThrownBy(() -> new PutWarmUp(0, 10, true)).isInstanceOf(HiroException.class);
    assertThatThrownBy(() -> new PutWarmUp(6, 5, true)).isInstanceOf(HiroException.class);
  }
}
