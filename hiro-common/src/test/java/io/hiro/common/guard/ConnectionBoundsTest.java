package io.hiro.common.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.common.guard.ConnectionBounds.Admission;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class ConnectionBoundsTest {
  private static InetAddress address(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void oneAddressGetsItsBoundAndNoMoreWhileOthersStillGetIn() {
    ConnectionBounds bounds = new ConnectionBounds(3, 10);
    InetAddress stranger = address("192.168.1.66");
    for (int i = 0; i < 3; i++) {
      assertThat(bounds.admit(stranger)).isEqualTo(Admission.ADMITTED);
    }
    assertThat(bounds.admit(stranger)).isEqualTo(Admission.OVER_ADDRESS_BOUND);
    assertThat(bounds.admit(stranger)).isEqualTo(Admission.OVER_ADDRESS_BOUND);
    assertThat(bounds.admit(address("192.168.1.10"))).isEqualTo(Admission.ADMITTED);
    assertThat(bounds.refused()).isEqualTo(2);
    assertThat(bounds.openFrom(stranger)).isEqualTo(3);
    assertThat(bounds.open()).isEqualTo(4);
  }

  @Test
  void theTotalBoundHoldsAcrossAddresses() {
    ConnectionBounds bounds = new ConnectionBounds(2, 5);
    for (int i = 1; i <= 5; i++) {
      assertThat(bounds.admit(address("10.0.0." + i))).isEqualTo(Admission.ADMITTED);
    }
    assertThat(bounds.admit(address("10.0.0.6"))).isEqualTo(Admission.OVER_TOTAL_BOUND);
    bounds.release(address("10.0.0.1"));
    assertThat(bounds.admit(address("10.0.0.6"))).isEqualTo(Admission.ADMITTED);
    assertThat(bounds.open()).isEqualTo(5);
  }

  @Test
  void aClosedConnectionMakesRoomForTheNextFromTheSameAddress() {
    ConnectionBounds bounds = new ConnectionBounds(1, 10);
    InetAddress phone = address("192.168.1.30");
    assertThat(bounds.admit(phone)).isEqualTo(Admission.ADMITTED);
    assertThat(bounds.admit(phone)).isEqualTo(Admission.OVER_ADDRESS_BOUND);
    bounds.release(phone);
    assertThat(bounds.openFrom(phone)).isZero();
    assertThat(bounds.admit(phone)).isEqualTo(Admission.ADMITTED);
  }

  @Test
  void ipv6AddressesOfOneSlash64CountAsOne() {
    ConnectionBounds bounds = new ConnectionBounds(2, 10);
    assertThat(bounds.admit(address("fd00:1:2:3::1"))).isEqualTo(Admission.ADMITTED);
    assertThat(bounds.admit(address("fd00:1:2:3:aaaa:bbbb:cccc:dddd"))).isEqualTo(Admission.ADMITTED);
    assertThat(bounds.admit(address("fd00:1:2:3::ffff"))).isEqualTo(Admission.OVER_ADDRESS_BOUND);
    assertThat(bounds.admit(address("fd00:1:2:4::1"))).isEqualTo(Admission.ADMITTED);
  }

  @Test
  void releasingAConnectionNeverAdmittedIsABug() {
    ConnectionBounds bounds = new ConnectionBounds(1, 1);
    assertThatThrownBy(() -> bounds.release(address("10.0.0.1"))).isInstanceOf(IllegalStateException.class);
  }
}
