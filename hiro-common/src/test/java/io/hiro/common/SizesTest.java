package io.hiro.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SizesTest {
  @Test
  void parsesBinaryAndDecimalUnits() {
    assertThat(Sizes.parse("4096")).isEqualTo(4096);
    assertThat(Sizes.parse("64KiB")).isEqualTo(64 * 1024);
    assertThat(Sizes.parse("64MiB")).isEqualTo(64L << 20);
    assertThat(Sizes.parse("4m")).isEqualTo(4L << 20);
    assertThat(Sizes.parse("1GiB")).isEqualTo(1L << 30);
    assertThat(Sizes.parse("10MB")).isEqualTo(10_000_000);
  }

  @Test
  void rejectsGarbageAndOverflow() {
    assertThatThrownBy(() -> Sizes.parse("lots")).isInstanceOf(HiroException.class);
    assertThatThrownBy(() -> Sizes.parse("12XB")).isInstanceOf(HiroException.class);
    assertThatThrownBy(() -> Sizes.parse("99999999999999TiB")).isInstanceOf(HiroException.class);
  }

  @Test
  void formatsForPeople() {
    assertThat(Sizes.format(512)).isEqualTo("512 B");
    assertThat(Sizes.format(64L << 20)).isEqualTo("64.0 MiB");
  }

  @Test
  void hostPortParsesAndRejects() {
    assertThat(HostPort.parse("127.0.0.1:8080")).isEqualTo(new HostPort("127.0.0.1", 8080));
    assertThat(HostPort.parseList("a:1,b:2")).hasSize(2);
    assertThatThrownBy(() -> HostPort.parse("nohost")).isInstanceOf(HiroException.class);
    assertThatThrownBy(() -> HostPort.parse("h:99999")).isInstanceOf(HiroException.class);
  }

  @Test
  void durationsParseWithUnitsAndRejectGarbage() {
    assertThat(Durations.parse("500ms")).isEqualTo(java.time.Duration.ofMillis(500));
    assertThat(Durations.parse("3s")).isEqualTo(java.time.Duration.ofSeconds(3));
    assertThat(Durations.parse("2m")).isEqualTo(java.time.Duration.ofMinutes(2));
    assertThat(Durations.parse("1h")).isEqualTo(java.time.Duration.ofHours(1));
    assertThat(Durations.parse("1d")).isEqualTo(java.time.Duration.ofDays(1));
    assertThatThrownBy(() -> Durations.parse("3 weeks")).isInstanceOf(HiroException.class);
    assertThatThrownBy(() -> Durations.parse("3")).isInstanceOf(HiroException.class);
    assertThatThrownBy(() -> Durations.parse("soon")).isInstanceOf(HiroException.class);
  }
}
