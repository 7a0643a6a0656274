package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.client.ClientSecurity;
import io.hiro.client.HiroClient;
import io.hiro.client.PutOptions;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.HostPort;
import io.hiro.common.security.ClusterSecret;
import io.hiro.master.MasterServer;
import io.hiro.master.config.MasterConfig;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NoWorkerTest {
  @TempDir Path dir;

  @Test
  void putFailsAsUnavailableWhenNoWorkerIsLive() {
    try (MasterServer master = MasterServer.start(MasterConfig.builder()
            .bindHost("127.0.0.1").port(0).dataDir(dir.resolve("master")).build());
        HiroClient client = HiroClient.connect(new HostPort("127.0.0.1", master.port()), ClientSecurity.of(
            ClusterSecret.load(dir.resolve("master").resolve(ClusterSecret.FILE_NAME))))) {
      Path local = TestFiles.random(dir, "a.bin", 1000, 1);
      assertThatThrownBy(() -> client.put(local, "/a.bin", PutOptions.defaults()))
          .isInstanceOf(HiroException.class)
          .hasMessageContaining("hiro worker")
          .extracting(e -> ((HiroException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }
  }

  @Test
  void callsFailAsUnavailableWhenTheMasterIsUnreachable() {
    try (HiroClient client = HiroClient.connect(new HostPort("127.0.0.1", 1),
        ClientSecurity.of(ClusterSecret.generate(new SecureRandom())))) {
      assertThatThrownBy(() -> client.list("/"))
          .isInstanceOf(HiroException.class)
          .extracting(e -> ((HiroException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }
  }
}
