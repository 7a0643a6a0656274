package io.hiro.common;

import java.util.ArrayList;
import java.util.List;

/**
 * Between protobuf's boxed repeated fields and the arrays Hiro keeps, by plain loops: a master's
 * small put converts lists of one element on its network thread, where streams cost more than the
 * records' own encoding (docs/BENCHMARKS.md, session 44).
 */
public final class Primitives {
  private Primitives() {}

  public static long[] longs(List<Long> values) {
    long[] unboxed = new long[values.size()];
    for (int i = 0; i < unboxed.length; i++) {
      unboxed[i] = values.get(i);
    }
    return unboxed;
  }

  public static int[] ints(List<Integer> values) {
    int[] unboxed = new int[values.size()];
    for (int i = 0; i < unboxed.length; i++) {
      unboxed[i] = values.get(i);
    }
    return unboxed;
  }

  public static List<Long> boxed(long[] values) {
    List<Long> boxed = new ArrayList<>(values.length);
    for (long value : values) {
      boxed.add(value);
    }
    return boxed;
  }

  public static List<Integer> boxed(int[] values) {
    List<Integer> boxed = new ArrayList<>(values.length);
    for (int value : values) {
      boxed.add(value);
    }
    return boxed;
  }
}
