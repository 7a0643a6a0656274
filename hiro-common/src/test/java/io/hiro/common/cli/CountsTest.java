package io.hiro.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CountsTest {
  @Test
  void oneIsSingularAndEveryOtherCountPlural() {
    assertThat(Counts.of(1, "piece")).isEqualTo("1 piece");
    assertThat(Counts.of(0, "piece")).isEqualTo("0 pieces");
    assertThat(Counts.of(3, "corrupt replica")).isEqualTo("3 corrupt replicas");
  }
}
