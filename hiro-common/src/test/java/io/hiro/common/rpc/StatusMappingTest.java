package io.hiro.common.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class StatusMappingTest {
  /** A TLS server hangs up on a plaintext client: closed, or reset when its first bytes were still unread. */
  @Test
  void aServerThatHangsUpOrResetsSuggestsTheTlsOptions() {
    for (String reason : new String[] {"Network closed for unknown reason",
        "recvAddress(..) failed with error(-104): Connection reset by peer"}) {
      HiroException e = StatusMapping.fromGrpc(
          Status.UNAVAILABLE.withCause(new IOException(reason)).asRuntimeException(), "master 127.0.0.1:8080");

      assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(e.getMessage()).contains("127.0.0.1:8080", reason, "--tls-cert");
    }
  }

  @Test
  void aRefusedConnectionSaysNothingAboutTls() {
    HiroException e = StatusMapping.fromGrpc(
        Status.UNAVAILABLE.withCause(new IOException("Connection refused")).asRuntimeException(), "master 127.0.0.1:1");

    assertThat(e.getMessage()).contains("unreachable", "Connection refused").doesNotContain("--tls");
  }
}
