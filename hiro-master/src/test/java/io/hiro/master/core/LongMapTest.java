package io.hiro.master.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

class LongMapTest {
  /** Any sequence of puts and removes leaves the map holding exactly what a HashMap holds. */
  @Property(tries = 300)
  void behavesLikeAHashMap(@ForAll("operations") List<Tuple.Tuple2<Boolean, Long>> operations) {
    LongMap<String> map = new LongMap<>();
    Map<Long, String> expected = new HashMap<>();
    int step = 0;
    for (Tuple.Tuple2<Boolean, Long> operation : operations) {
      long key = operation.get2();
      if (operation.get1()) {
        String value = "v" + step++;
        assertThat(map.put(key, value)).isEqualTo(expected.put(key, value));
      } else {
        assertThat(map.remove(key)).isEqualTo(expected.remove(key));
      }
      assertThat(map.size()).isEqualTo(expected.size());
    }
    for (Map.Entry<Long, String> entry : expected.entrySet()) {
      assertThat(map.get(entry.getKey())).isEqualTo(entry.getValue());
    }
    Map<Long, String> visited = new HashMap<>();
    map.forEach((key, value) -> assertThat(visited.put(key, value)).isNull());
    assertThat(visited).isEqualTo(expected);
    assertThat(map.keys()).containsExactlyInAnyOrder(expected.keySet().stream().mapToLong(Long::longValue).toArray());
  }

  /** Few distinct keys (so removes hit) from a small range (so probe runs collide and wrap around). */
  @Provide
  Arbitrary<List<Tuple.Tuple2<Boolean, Long>>> operations() {
    Arbitrary<Long> keys = Arbitraries.oneOf(Arbitraries.longs().between(-40, 40),
        Arbitraries.longs().between(0, 40).map(k -> k << 32), Arbitraries.longs());
    return Arbitraries.lazy(() -> Arbitraries.integers().between(0, 9).map(n -> n < 6))
        .flatMap(put -> keys.map(key -> Tuple.of(put, key))).list().ofMaxSize(400);
  }

  @Test
  void growsPastItsFirstCapacityAndFindsEveryKeyAfterManyRemoves() {
    LongMap<Long> map = new LongMap<>();
    for (long key = 0; key < 100_000; key++) {
      map.put(key * 7919, key);
    }
    for (long key = 0; key < 100_000; key += 2) {
      assertThat(map.remove(key * 7919)).isEqualTo(key);
    }
    assertThat(map.size()).isEqualTo(50_000);
    for (long key = 0; key < 100_000; key++) {
      assertThat(map.get(key * 7919)).isEqualTo(key % 2 == 0 ? null : key);
    }
  }

  @Test
  void refusesNullValuesAndKeepsZeroAsAnOrdinaryKey() {
    LongMap<String> map = new LongMap<>();
    assertThatThrownBy(() -> map.put(1, null)).isInstanceOf(NullPointerException.class);
    assertThat(map.get(0)).isNull();
    map.put(0, "zero");
    assertThat(map.get(0)).isEqualTo("zero");
    assertThat(map.containsKey(0)).isTrue();
  }
}
