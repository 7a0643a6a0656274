package io.hiro.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FigureTest {
  @Test
  void eachTurnsRatioIsToTheLimitsRunOfTheSameTurnAndTheirMedianFollows() {
    Figure stat = Figure.medianOf("stat.8clients", new double[] {16622, 12663, 10428}, "ops/s");

    String line = stat.withTurnRatios(new double[] {16622, 12663, 10428}, new double[] {19486, 17879, 12482},
        "limit.grpc_unary.8clients.turns").line();

    // The medians' ratio would be 12663 / 17879 = 0.71; the turns' own ratios are 0.85, 0.71, 0.84.
    assertThat(line).isEqualTo("stat.8clients: 12663 ops/s   (in each turn 0.85, 0.71, 0.84 of "
        + "limit.grpc_unary.8clients.turns; median 0.84)");
  }

  @Test
  void runsAndLimitRunsMustPairUp() {
    Figure stat = Figure.of("stat.8clients", 1, "ops/s");

    assertThatThrownBy(() -> stat.withTurnRatios(new double[] {1, 2}, new double[] {1}, "limit.x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 runs against 1 of limit.x");
  }
}
