package io.hiro.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.HiroPath;
import io.hiro.common.HostPort;
import io.hiro.common.WorkerId;
import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.PieceTokens;
import io.hiro.master.config.MasterConfig;
import io.hiro.master.store.DiskFiles;
import io.hiro.master.store.MasterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SafeModeTest {
  @TempDir
  Path dir;
  private final FakeClock clock = new FakeClock();
  private final MasterConfig config = MasterConfig.builder().dataDir(Path.of("unused"))
      .safeModeGrace(Duration.ofSeconds(30)).build();

  private Core open() throws IOException {
    MasterStore store = MasterStore.open(new DiskFiles(dir), 1_000_000, Long.MAX_VALUE / 2, clock.millis());
    return new Core(config, clock, new SplittableRandom(3), store,
        new PieceTokens(ClusterSecret.generate(new SecureRandom()), Duration.ZERO));
  }

  private static void register(Core core, String id) {
    new Membership(core).register(new WorkerRegistration(new WorkerId(id), HostPort.parse("10.0.0.1:5050"),
        1L << 30, 1L << 29, 1L << 29, new long[0]));
  }

  private static boolean inSafeMode(Core core) {
    return core.read(() -> core.inSafeMode(core.nowMillis()));
  }

  /** A first life: two workers register and a directory is made; the master then stops. */
  private void firstLife() throws IOException {
    Core core = open();
    assertThat(inSafeMode(core)).as("a fresh master is not in safe mode").isFalse();
    register(core, "w1");
    register(core, "w2");
    core.write(() -> core.apply(new Operation.Mkdir(HiroPath.parse("/d"), false, clock.millis())));
  }

  @Test
  void aRestartedMasterStaysInSafeModeUntilEveryKnownWorkerRegistered() throws IOException {
    firstLife();
    Core restarted = open();
    assertThat(inSafeMode(restarted)).isTrue();
    assertThat(restarted.read(() -> restarted.safeModeRemainingMillis(restarted.nowMillis()))).isEqualTo(30_000);

    register(restarted, "w1");
    clock.advance(Duration.ofSeconds(10));
    assertThat(inSafeMode(restarted)).as("w2 has not registered yet").isTrue();

    register(restarted, "w2");
    assertThat(inSafeMode(restarted)).isFalse();
    assertThat(restarted.read(() -> restarted.safeModeRemainingMillis(restarted.nowMillis()))).isZero();
  }

  @Test
  void safeModeEndsWhenTheGracePassesWithAKnownWorkerMissing() throws IOException {
    firstLife();
    Core restarted = open();
    register(restarted, "w1");
    clock.advance(Duration.ofSeconds(29));
    assertThat(inSafeMode(restarted)).isTrue();
    assertThat(restarted.read(() -> restarted.safeModeRemainingMillis(restarted.nowMillis()))).isEqualTo(1_000);

    clock.advance(Duration.ofSeconds(1));
    assertThat(inSafeMode(restarted)).isFalse();
  }

  @Test
  void knownWorkersAreRememberedAcrossRestarts() throws IOException {
    firstLife();
    Core restarted = open();
    assertThat(restarted.read(() -> restarted.state.knownWorkers()))
        .containsExactly(new WorkerId("w1"), new WorkerId("w2"));
    assertThat(restarted.read(() -> restarted.state.namespace().lookup(HiroPath.parse("/d")))).isNotNull();
  }
}
