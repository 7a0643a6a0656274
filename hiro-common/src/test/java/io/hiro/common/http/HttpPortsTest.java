package io.hiro.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.common.HiroException;
import org.junit.jupiter.api.Test;

class HttpPortsTest {
  @Test
  void theDefaultSitsBesideTheGrpcPortAndWorkersOnNeighbouringPortsDoNotCollide() {
    assertThat(HttpPorts.parse(null, 8080, HttpPorts.MASTER_OFFSET)).isEqualTo(8081);
    assertThat(HttpPorts.parse(null, 5050, HttpPorts.WORKER_OFFSET)).isEqualTo(6050);
    assertThat(HttpPorts.parse(null, 5051, HttpPorts.WORKER_OFFSET)).isEqualTo(6051);
    assertThat(HttpPorts.parse("", 0, HttpPorts.WORKER_OFFSET)).isZero();
  }

  @Test
  void offTurnsItOffAndANumberIsTakenAsItIs() {
    assertThat(HttpPorts.parse("off", 8080, 1)).isEqualTo(HttpPorts.OFF);
    assertThat(HttpPorts.parse("OFF", 8080, 1)).isEqualTo(HttpPorts.OFF);
    assertThat(HttpPorts.parse("9100", 8080, 1)).isEqualTo(9100);
    assertThat(HttpPorts.parse("0", 8080, 1)).isZero();
    assertThat(HttpPorts.describe(HttpPorts.OFF)).isEqualTo("off");
  }

  @Test
  void aBadPortIsInvalidInput() {
    assertThatThrownBy(() -> HttpPorts.parse("http", 8080, 1)).isInstanceOf(HiroException.class)
        .hasMessageContaining("nor 'off'");
    assertThatThrownBy(() -> HttpPorts.parse("70000", 8080, 1)).isInstanceOf(HiroException.class);
    assertThatThrownBy(() -> HttpPorts.parse(null, 65000, 1000)).isInstanceOf(HiroException.class)
        .hasMessageContaining("--http-port");
  }
}
