package io.hiro.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.HostPort;
import io.hiro.worker.core.TestTokens;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class WorkerConfigTest {
  private static WorkerConfig.Builder valid() {
    return WorkerConfig.builder().master(new HostPort("127.0.0.1", 8080)).dataDir(Path.of("data"))
        .secret(TestTokens.SECRET);
  }

  private static ErrorCode codeOf(Throwable e) {
    return ((HiroException) e).code();
  }

  @Test
  void builderGivesTheDocumentedDefaults() {
    WorkerConfig config = valid().build();

    assertThat(config.bindHost()).isEqualTo("0.0.0.0");
    assertThat(config.port()).isEqualTo(5050);
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.capacityBytes()).isZero();
    assertThat(config.advertiseHost()).isNull();
    assertThat(config.dataDir()).isAbsolute();
    assertThat(config.copyBandwidthBytesPerSecond()).isEqualTo(100L << 20);
    assertThat(config.scrubBytesPerSecond()).isEqualTo(16L << 20);
    assertThat(config.scrubInterval()).isEqualTo(Duration.ofHours(24));
    assertThat(config.toString()).contains("master=127.0.0.1:8080", "capacity=disk", "scrubRate=16.0 MiB/s");
  }

  @Test
  void missingMasterOrBadNumbersAreInvalidInput() {
    assertThatThrownBy(() -> valid().master(null).build()).satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> valid().port(70000).build()).satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> valid().capacityBytes(-1).build()).satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> valid().heartbeatInterval(Duration.ofMillis(1)).build())
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> valid().copyBandwidthBytesPerSecond(0).build())
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT)).hasMessageContaining("--copy-bandwidth");
    assertThatThrownBy(() -> valid().scrubBytesPerSecond(-1).build())
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> valid().scrubInterval(Duration.ofMillis(1)).build())
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void scrubRateZeroTurnsScrubbingOff() {
    assertThat(valid().scrubBytesPerSecond(0).build().toString()).contains("scrubRate=off");
  }
}
