package io.hiro.master.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * A map from {@code long} keys (piece ids) to objects, with open addressing and linear probing: no
 * boxed key and no entry object per mapping, so a mapping costs its two array slots (12 bytes with
 * compressed references, at a load of at most {@link #LOAD_MAX}) instead of ~65 bytes in a
 * {@code HashMap<Long, V>}. The master keeps one mapping per piece in two such maps, so this is most
 * of the difference in its heap per file. Values are never null. Not thread safe.
 */
final class LongMap<V> {
  /** Keys and values live at the same index; a null value marks a free slot. */
  private static final double LOAD_MAX = 0.75;
  private static final int CAPACITY_MIN = 16;

  /** What {@link #forEach} hands each mapping to. */
  @FunctionalInterface
  interface Visitor<V> {
    void visit(long key, V value);
  }

  private long[] keys = new long[CAPACITY_MIN];
  private Object[] values = new Object[CAPACITY_MIN];
  private int size;

  int size() {
    return size;
  }

  boolean containsKey(long key) {
    return get(key) != null;
  }

  @SuppressWarnings("unchecked")
  V get(long key) {
    int mask = values.length - 1;
    for (int i = slot(key, mask); values[i] != null; i = (i + 1) & mask) {
      if (keys[i] == key) {
        return (V) values[i];
      }
    }
    return null;
  }

  V getOrDefault(long key, V fallback) {
    V value = get(key);
    return value == null ? fallback : value;
  }

  /** Maps {@code key} to {@code value}; returns the value it replaced, or null. */
  @SuppressWarnings("unchecked")
  V put(long key, V value) {
    Objects.requireNonNull(value, "value");
    if (size + 1 > values.length * LOAD_MAX) {
      resize(values.length * 2);
    }
    int mask = values.length - 1;
    int i = slot(key, mask);
    while (values[i] != null) {
      if (keys[i] == key) {
        V old = (V) values[i];
        values[i] = value;
        return old;
      }
      i = (i + 1) & mask;
    }
    keys[i] = key;
    values[i] = value;
    size++;
    return null;
  }

  /**
   * Removes {@code key}; returns its value, or null. The entries after it in its probe run move back
   * into the gap (no tombstones), so lookups stay short however many pieces come and go.
   */
  @SuppressWarnings("unchecked")
  V remove(long key) {
    int mask = values.length - 1;
    int i = slot(key, mask);
    while (values[i] != null && keys[i] != key) {
      i = (i + 1) & mask;
    }
    if (values[i] == null) {
      return null;
    }
    V old = (V) values[i];
    int gap = i;
    for (int j = (gap + 1) & mask; values[j] != null; j = (j + 1) & mask) {
      // The entry at j may fill the gap unless its home slot lies after the gap (cyclically) up to j.
      int home = slot(keys[j], mask);
      if (((j - home) & mask) >= ((j - gap) & mask)) {
        keys[gap] = keys[j];
        values[gap] = values[j];
        gap = j;
      }
    }
    values[gap] = null;
    size--;
    return old;
  }

  /** Visits every mapping, in no particular order. The visitor must not change this map. */
  @SuppressWarnings("unchecked")
  void forEach(Visitor<V> visitor) {
    long[] visitedKeys = keys;
    Object[] visitedValues = values;
    for (int i = 0; i < visitedValues.length; i++) {
      if (visitedValues[i] != null) {
        visitor.visit(visitedKeys[i], (V) visitedValues[i]);
      }
    }
  }

  /** The keys, in no particular order (a copy: the map may change while they are used). */
  long[] keys() {
    long[] out = new long[size];
    int n = 0;
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        out[n++] = keys[i];
      }
    }
    return out;
  }

  void clear() {
    Arrays.fill(values, null);
    size = 0;
  }

  private void resize(int capacity) {
    long[] oldKeys = keys;
    Object[] oldValues = values;
    keys = new long[capacity];
    values = new Object[capacity];
    int mask = capacity - 1;
    for (int i = 0; i < oldValues.length; i++) {
      if (oldValues[i] != null) {
        int j = slot(oldKeys[i], mask);
        while (values[j] != null) {
          j = (j + 1) & mask;
        }
        keys[j] = oldKeys[i];
        values[j] = oldValues[i];
      }
    }
  }

  /** Piece ids are random, but a map may also hold sequential keys: mix the bits before masking. */
  private static int slot(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }
}
