package io.hiro.master.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 5, unit = TimeUnit.SECONDS)
class MasterConfigTest {
  private static void assertInvalid(String messagePart, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(HiroException.class)
        .satisfies(e -> assertThat(((HiroException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining(messagePart);
  }

  @Test
  void theBuilderHasTheDocumentedDefaults() {
    MasterConfig config = MasterConfig.builder().build();

    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.bindHost()).isEqualTo("0.0.0.0");
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.deadAfter()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.defaultReplication()).isEqualTo(3);
    assertThat(config.defaultPieceSizeBytes()).isEqualTo(64L << 20);
    assertThat(config.minReplicas()).isZero();
    assertThat(config.uploadExpiry()).isEqualTo(Duration.ofHours(1));
    assertThat(config.expectedWorkers()).isEmpty();
  }

  @Test
  void badValuesAreRejectedWithTheReason() {
    assertInvalid("port", () -> MasterConfig.builder().port(70000).build());
    assertInvalid("replication", () -> MasterConfig.builder().defaultReplication(0).build());
    assertInvalid("piece size", () -> MasterConfig.builder().defaultPieceSizeBytes(100).build());
    assertInvalid("twice the heartbeat", () -> MasterConfig.builder().deadAfter(Duration.ofSeconds(4)).build());
    assertInvalid("min-replicas", () -> MasterConfig.builder().minReplicas(-1).build());
    assertInvalid("data directory", () -> MasterConfig.builder().dataDir(null).build());
  }
}
