package io.hiro.common.security;

import static io.hiro.common.security.SecurityAssertions.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.Limits;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each state-changing call's credential is accepted once; old ones are forgotten; memory stays bounded. */
@Timeout(60)
class ReplayCacheTest {
  private static final long NOW = 1_790_000_000_000L;
  private static final long WINDOW = CallVerifier.WINDOW_DEFAULT.toMillis();

  private final ReplayCache cache = ReplayCache.forCallWindow();

  /** A small cache: 5 s window, 100 ms buckets, 1,000 entries, 1 s ahead while full. */
  private static ReplayCache small() {
    return new ReplayCache(Duration.ofSeconds(5), 100, 1_000, Duration.ofSeconds(1));
  }

  @Test
  void aReplayInsideTheWindowIsRefused() {
    cache.accept(42, NOW, NOW);

    assertThat(refusal(ErrorCode.PERMISSION_DENIED, () -> cache.accept(42, NOW, NOW + 1)))
        .contains("credential already used");
    assertThat(refusal(ErrorCode.PERMISSION_DENIED, () -> cache.accept(42, NOW, NOW + WINDOW)))
        .contains("credential already used");
  }

  @Test
  void aFreshNoncePassesAndSoDoesTheSameKeyAtAnotherTime() {
    cache.accept(42, NOW, NOW);

    assertThatCode(() -> cache.accept(43, NOW, NOW)).doesNotThrowAnyException();
    // Another timestamp is another credential (the key covers it too): only its own replay is refused.
    assertThatCode(() -> cache.accept(42, NOW + 5_000, NOW)).doesNotThrowAnyException();
    assertThat(cache.size()).isEqualTo(3);
  }

  @Test
  void aKeyOfZeroIsRememberedLikeAnyOther() {
    // 0 marks an empty slot, so it is stored as 1: the two collide, a chance of 2^-64 for a tag.
    cache.accept(0, NOW, NOW);

    assertThat(refusal(ErrorCode.PERMISSION_DENIED, () -> cache.accept(0, NOW, NOW))).contains("already used");
    assertThatCode(() -> cache.accept(2, NOW, NOW)).doesNotThrowAnyException();
  }

  @Test
  void bucketsWhoseTimeLeftTheWindowAreDropped() {
    for (long key = 1; key <= 10_000; key++) {
      cache.accept(key, NOW + key % 2_000, NOW);
    }
    assertThat(cache.size()).isEqualTo(10_000);
    assertThat(cache.tableSlots()).isGreaterThanOrEqualTo(20_000);

    long later = NOW + 2_000 + WINDOW + Limits.REPLAY_CACHE_BUCKET_MILLIS;
    cache.accept(-1, later, later);

    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.tableSlots()).isLessThanOrEqualTo(16);
    assertThat(cache.floorMillis()).isGreaterThan(NOW + 2_000);
  }

  @Test
  void theWholeWindowIsRememberedAtModerateLoad() {
    // 500 calls a second for 10 minutes: about 150,000 at a time, under the cap; nothing is forgotten early.
    long key = 0;
    long now = NOW;
    for (; now < NOW + 2 * WINDOW; now += 2) {
      cache.accept(++key, now, now);
    }
    long last = now - 2;
    long signedAt = NOW + WINDOW + 10; // accepted as key (signedAt - NOW) / 2 + 1, almost 5 minutes ago
    long replayed = (signedAt - NOW) / 2 + 1;

    assertThat(refusal(ErrorCode.PERMISSION_DENIED, () -> cache.accept(replayed, signedAt, last)))
        .contains("already used");
    assertThat(cache.floorMillis()).isEqualTo(NOW + WINDOW - Limits.REPLAY_CACHE_BUCKET_MILLIS);
    assertThat(cache.size()).isBetween(150_000, 151_000);
  }

  @Test
  void atTheCapTheWindowBehindNowShrinksAndNoOnTimeCallIsRefused() {
    ReplayCache cache = small();
    long key = 0;
    long signedAt = 0;
    // 1,000 calls a second, each signed 0-50 ms before it arrives, for 20 s: five times what 1,000 entries hold.
    // A refusal of any of them fails the test.
    SplittableRandom random = new SplittableRandom(7);
    for (long now = NOW; now < NOW + 20_000; now++) {
      signedAt = now - random.nextLong(50);
      cache.accept(++key, signedAt, now);
      assertThat(cache.size()).isLessThanOrEqualTo(1_000);
    }
    long now = NOW + 20_000;
    // It remembers about the last second, not 5: older credentials are refused, and so are replays of newer ones.
    assertThat(now - cache.floorMillis()).isBetween(800L, 1_200L);
    long recent = key;
    long recentSignedAt = signedAt;
    assertThat(refusal(ErrorCode.PERMISSION_DENIED, () -> cache.accept(recent, recentSignedAt, now)))
        .contains("already used");
    assertThat(refusal(ErrorCode.UNAVAILABLE, () -> cache.accept(-5, now - 2_000, now)))
        .contains("2000 ms before the master's clock").contains("under this load").contains("try again later");
    // While full, a caller whose clock runs ahead is refused rather than stored; on time is still fine.
    for (long more = -100; cache.size() < 1_000; more++) {
      cache.accept(more, now, now);
    }
    assertThat(refusal(ErrorCode.UNAVAILABLE, () -> cache.accept(-6, now + 3_000, now))).contains("3 s ahead");
    assertThatCode(() -> cache.accept(-7, now, now)).doesNotThrowAnyException();
  }

  @Test
  void theWindowGrowsBackWhenTheLoadDrops() {
    ReplayCache cache = small();
    long key = 0;
    for (long now = NOW; now < NOW + 1_000; now++) {
      for (int i = 0; i < 5; i++) {
        cache.accept(++key, now, now);
      }
    }
    long now = NOW + 10_000;
    cache.accept(++key, now, now);

    assertThat(cache.floorMillis()).isEqualTo(now - 5_000);
    assertThatCode(() -> cache.accept(-1, now - 4_900, now)).doesNotThrowAnyException();
  }

  @Test
  void everyRememberedCredentialIsOfTheCurrentSecondOrLaterIsTheOnlyCaseRefusedForLoad() {
    ReplayCache cache = small();
    for (long key = 1; key <= 1_000; key++) {
      cache.accept(key, NOW, NOW);
    }

    assertThat(refusal(ErrorCode.RESOURCE_EXHAUSTED, () -> cache.accept(-1, NOW, NOW))).contains("try again");
    assertThat(cache.size()).isEqualTo(1_000);
    assertThatCode(() -> cache.accept(-1, NOW + 100, NOW + 100)).doesNotThrowAnyException();
  }

  @Test
  void memoryStaysBoundedUnderALongRunOfDistinctNonces() {
    ReplayCache cache = small();
    SplittableRandom random = new SplittableRandom(11);
    long now = NOW;
    long maxSlots = 0;
    for (int call = 0; call < 2_000_000; call++) {
      now += random.nextInt(3); // bursts and lulls: 0-2 ms between calls
      long signedAt = now - random.nextLong(40) + (random.nextInt(100) == 0 ? random.nextLong(-5_000, 5_000) : 0);
      try {
        cache.accept(random.nextLong(), signedAt, now);
      } catch (HiroException e) {
        boolean onTime = now - signedAt >= 0 && now - signedAt < 40;
        assertThat(onTime).as("an on-time call refused: %s", e.getMessage()).isFalse();
        assertThat(e.getMessage()).doesNotContain("already used");
      }
      assertThat(cache.size()).isLessThanOrEqualTo(1_000);
      maxSlots = Math.max(maxSlots, cache.tableSlots());
    }
    assertThat(maxSlots).isLessThanOrEqualTo(cache.tableSlotsMax());
    System.out.printf("ReplayCacheTest: 2,000,000 distinct credentials, at most %d entries, at most %d table slots "
        + "(bound %d)%n", 1_000, maxSlots, cache.tableSlotsMax());
  }

  @Test
  void aCheckCostsAHashAndASetInsert() {
    long calls = 1_000_000;
    SplittableRandom random = new SplittableRandom(3);
    long[] keys = new long[(int) calls];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = random.nextLong();
    }
    for (int round = 0; round < 3; round++) {
      ReplayCache cache = ReplayCache.forCallWindow();
      long start = System.nanoTime();
      for (int i = 0; i < keys.length; i++) {
        long now = NOW + i / 8; // 8,000 calls a second, as the mkdir benchmark
        cache.accept(keys[i], now, now);
      }
      long nanos = System.nanoTime() - start;
      System.out.printf("ReplayCacheTest: round %d: %,d checks at 8,000/s of simulated time: %.0f ns per check, "
          + "%d entries, %d table slots (%.1f MiB)%n", round, calls, (double) nanos / calls, cache.size(),
          cache.tableSlots(), cache.tableSlots() * 8.0 / (1 << 20));
    }
  }
}
