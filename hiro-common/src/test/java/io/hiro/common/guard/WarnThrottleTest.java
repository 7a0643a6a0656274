package io.hiro.common.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarnThrottleTest {
  @Test
  void oneLinePerIntervalAndTheNextSaysHowManyWereHeldBack() {
    FakeTime time = new FakeTime();
    WarnThrottle throttle = new WarnThrottle(time, 10_000);
    assertThat(throttle.tryLog()).isZero();
    for (int i = 0; i < 500; i++) {
      assertThat(throttle.tryLog()).isEqualTo(-1);
      time.advance(10);
    }
    time.advance(5_000);
    assertThat(throttle.tryLog()).isEqualTo(500);
    assertThat(throttle.tryLog()).isEqualTo(-1);
    time.advance(10_000);
    assertThat(throttle.tryLog()).as("held back since the last line, not since the start").isEqualTo(1);
  }
}
