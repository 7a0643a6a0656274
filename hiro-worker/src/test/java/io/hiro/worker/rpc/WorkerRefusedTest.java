package io.hiro.worker.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hiro.common.ErrorCode;
import io.hiro.common.rpc.AuthInterceptor;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.common.security.CallVerifier;
import io.hiro.common.security.ReplayCache;
import io.hiro.common.security.ClusterSecret;
import io.hiro.worker.WorkerServer;
import io.hiro.worker.config.WorkerConfig;
import io.hiro.worker.core.TestTokens;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A worker's calls to the master are signed; a master that refuses them stops the worker. */
@Timeout(30)
class WorkerRefusedTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path dir;

  /** A fake master checking calls as the real one does, against {@code secret}. */
  private static FakeMaster masterWith(ClusterSecret secret) {
    return new FakeMaster(RpcSecurity.PLAINTEXT.withInterceptors(new AuthInterceptor("master",
        new CallVerifier(secret, CallVerifier.WINDOW_DEFAULT), Set.of(), ReplayCache.forCallWindow(),
        Clock.systemUTC())));
  }

  private WorkerServer start(FakeMaster master) {
    return WorkerServer.start(WorkerConfig.builder().bindHost("127.0.0.1").port(0).advertiseHost("127.0.0.1")
        .master(master.address()).dataDir(dir.resolve("worker")).heartbeatInterval(Duration.ofMillis(100))
        .scrubBytesPerSecond(0).secret(TestTokens.SECRET).build());
  }

  @Test
  void aWorkerWithTheMastersSecretRegistersAndHeartbeats() throws Exception {
    try (FakeMaster master = masterWith(TestTokens.SECRET); WorkerServer worker = start(master)) {
      await().atMost(WAIT).until(() -> master.heartbeats.size() >= 2);

      assertThat(master.registered(worker.workerId().value())).isTrue();
      assertThat(worker.refusal()).isEmpty();
    }
  }

  @Test
  void aWorkerWithAnotherSecretIsRefusedAndStopsInsteadOfRetrying() throws Exception {
    try (FakeMaster master = masterWith(ClusterSecret.generate(new SecureRandom()))) {
      WorkerServer worker = start(master);
      CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
        try {
          worker.awaitTermination();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });

      stopped.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

      assertThat(worker.refusal()).hasValueSatisfying(refusal -> {
        assertThat(refusal.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(refusal.getMessage()).contains(worker.workerId().value(), "bad signature", "--secret-file")
            .doesNotContain("\n");
      });
      assertThat(master.registrations).isEmpty();
      worker.close();
    }
  }
}
