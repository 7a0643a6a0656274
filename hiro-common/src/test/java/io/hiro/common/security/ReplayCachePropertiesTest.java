package io.hiro.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the order, timing and skew of calls, and however full the cache: no credential is
 * accepted twice while its time is inside the window; and below the cap no fresh one is refused.
 */
class ReplayCachePropertiesTest {
  private static final long START = 1_790_000_000_000L;
  private static final long WINDOW = 5_000;

  /** One call: time passes, then a credential signed {@code skewMillis} from now arrives, new or replayed. */
  record Call(int advanceMillis, int skewMillis, boolean replay, int replayPick) {}

  record Credential(long key, long millis) {}

  @Provide
  Arbitrary<List<Call>> calls() {
    Arbitrary<Call> call = Combinators.combine(
        Arbitraries.integers().between(0, 400).edgeCases(e -> e.includeOnly(0)),
        Arbitraries.integers().between((int) -WINDOW, (int) WINDOW),
        Arbitraries.of(true, false),
        Arbitraries.integers().between(0, Integer.MAX_VALUE)).as(Call::new);
    return call.list().ofMinSize(1).ofMaxSize(600);
  }

  @Property(tries = 300)
  void noCredentialIsAcceptedTwiceWhileItsTimeIsInTheWindow(@ForAll("calls") List<Call> calls) {
    ReplayCache cache = new ReplayCache(Duration.ofMillis(WINDOW), 100, 50, Duration.ofSeconds(1));
    List<Credential> sent = new ArrayList<>();
    Set<Credential> accepted = new HashSet<>();
    long now = START;
    long nextKey = 1;
    for (Call call : calls) {
      now += call.advanceMillis();
      Credential credential = call.replay() && !sent.isEmpty()
          ? sent.get(call.replayPick() % sent.size())
          : new Credential(nextKey++, now + call.skewMillis());
      sent.add(credential);
      if (Math.abs(credential.millis() - now) > WINDOW) {
        continue; // the verifier refuses it by its timestamp before the cache sees it
      }
      try {
        cache.accept(credential.key(), credential.millis(), now);
        assertThat(accepted.add(credential)).as("accepted twice: %s at %d", credential, now).isTrue();
      } catch (HiroException refused) {
        assertThat(refused.code()).isIn(ErrorCode.PERMISSION_DENIED, ErrorCode.UNAVAILABLE, ErrorCode.RESOURCE_EXHAUSTED);
      }
      assertThat(cache.size()).isLessThanOrEqualTo(50);
      assertThat(cache.tableSlots()).isLessThanOrEqualTo(cache.tableSlotsMax());
    }
  }

  @Property(tries = 300)
  void belowTheCapEveryFreshCredentialInTheWindowIsAcceptedAndEveryReplayRefused(
      @ForAll("calls") List<Call> calls) {
    ReplayCache cache = new ReplayCache(Duration.ofMillis(WINDOW), 100, 1_000, Duration.ofSeconds(1));
    List<Credential> sent = new ArrayList<>();
    long now = START;
    long nextKey = 1;
    for (Call call : calls) {
      now += call.advanceMillis();
      boolean replay = call.replay() && !sent.isEmpty();
      Credential credential = replay
          ? sent.get(call.replayPick() % sent.size())
          : new Credential(nextKey++, now + call.skewMillis());
      if (Math.abs(credential.millis() - now) > WINDOW) {
        continue;
      }
      long at = now;
      if (replay) {
        HiroException refused = catchThrowableOfType(HiroException.class,
            () -> cache.accept(credential.key(), credential.millis(), at));
        assertThat(refused).as("replay of %s at %d", credential, at).isNotNull();
        assertThat(refused.getMessage()).contains("already used");
      } else {
        cache.accept(credential.key(), credential.millis(), at);
        sent.add(credential);
      }
    }
  }
}
