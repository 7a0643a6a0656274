package io.hiro.common.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class RefusalCooldownTest {
  private static final int MAX = 5;
  private static final long WINDOW = 10_000;
  private static final long COOLDOWN = 20_000;
  private final FakeTime time = new FakeTime();
  private final RefusalCooldown cooldown = new RefusalCooldown(time, MAX, WINDOW, COOLDOWN, 100);
  private final InetAddress stranger = address("192.168.1.66");
  private final InetAddress worker = address("192.168.1.10");

  private static InetAddress address(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** Refuses {@code count} calls of {@code from} and returns how many of them started a cooldown. */
  private int refuse(InetAddress from, int count) {
    int started = 0;
    for (int i = 0; i < count; i++) {
      started += cooldown.refused(from) ? 1 : 0;
    }
    return started;
  }

  @Test
  void anAddressCoolsDownOnlyAfterMoreThanTheBoundOfRefusalsInOneWindow() {
    assertThat(refuse(stranger, MAX)).isZero();
    assertThat(cooldown.coolingDown(stranger)).isFalse();
    assertThat(refuse(stranger, 1)).isEqualTo(1);
    assertThat(cooldown.coolingDown(stranger)).isTrue();
    assertThat(cooldown.cooldowns()).isEqualTo(1);
    assertThat(cooldown.addressesCoolingDown()).isEqualTo(1);
  }

  @Test
  void theCooldownStartsOnceSoItIsLoggedOnce() {
    assertThat(refuse(stranger, 100)).isEqualTo(1);
    for (int i = 0; i < 1_000; i++) {
      assertThat(cooldown.coolingDown(stranger)).isTrue();
    }
    assertThat(cooldown.refusedCoolingDown()).isEqualTo(1_000);
    assertThat(cooldown.cooldowns()).isEqualTo(1);
  }

  @Test
  void refusalsSpreadOverWindowsNeverCoolDown() {
    for (int window = 0; window < 10; window++) {
      assertThat(refuse(stranger, MAX)).isZero();
      time.advance(WINDOW);
    }
    assertThat(cooldown.coolingDown(stranger)).isFalse();
  }

  @Test
  void theCooldownEndsAndAStrangerWhoKeepsOnCoolsDownAgain() {
    refuse(stranger, MAX + 1);
    time.advance(COOLDOWN - 1);
    assertThat(cooldown.coolingDown(stranger)).isTrue();
    time.advance(1);
    assertThat(cooldown.coolingDown(stranger)).isFalse();
    assertThat(refuse(stranger, MAX)).isZero();
    assertThat(refuse(stranger, 1)).isEqualTo(1);
    assertThat(cooldown.cooldowns()).isEqualTo(2);
  }

  @Test
  void oneAddressCoolingDownLeavesTheOthersAlone() {
    refuse(stranger, MAX + 1);
    refuse(worker, MAX);
    assertThat(cooldown.coolingDown(stranger)).isTrue();
    assertThat(cooldown.coolingDown(worker)).isFalse();
    assertThat(cooldown.coolingDown(address("192.168.1.11"))).isFalse();
  }

  @Test
  void ipv6AddressesOfOneSlash64ShareTheirRefusals() {
    for (int i = 1; i <= MAX + 1; i++) {
      cooldown.refused(address("fd00:1:2:3::" + Integer.toHexString(i)));
    }
    assertThat(cooldown.coolingDown(address("fd00:1:2:3::beef"))).isTrue();
    assertThat(cooldown.coolingDown(address("fd00:1:2:4::1"))).isFalse();
  }

  @Test
  void theTableOfAddressesStaysBoundedAndForgetsFinishedOnes() {
    RefusalCooldown small = new RefusalCooldown(time, 1, WINDOW, COOLDOWN, 3);
    for (int i = 1; i <= 3; i++) {
      small.refused(address("10.0.0." + i));
      small.refused(address("10.0.0." + i));
    }
    // Full, and every entry still cools down: a fourth address is not tracked, its refusals start nothing.
    assertThat(small.refused(address("10.0.0.4"))).isFalse();
    assertThat(small.refused(address("10.0.0.4"))).isFalse();
    assertThat(small.coolingDown(address("10.0.0.4"))).isFalse();
    time.advance(COOLDOWN + WINDOW);
    // The first three are over: room again.
    small.refused(address("10.0.0.4"));
    assertThat(small.refused(address("10.0.0.4"))).isTrue();
    assertThat(small.coolingDown(address("10.0.0.4"))).isTrue();
  }
}
