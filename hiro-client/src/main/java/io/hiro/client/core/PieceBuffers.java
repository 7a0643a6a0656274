package io.hiro.client.core;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.function.IntFunction;

/**
 * The arrays that gets and cats of one client read whole pieces into ({@link ReadAhead}), kept
 * between one transfer and the next, softly: the collector takes them back before the heap runs
 * short. A transfer of a large file holds up to three pieces of 64 MiB at once; made anew for each
 * transfer, in a client that lives on (a program's, the bench's), every array was memory the JVM
 * had not touched yet: 32-75 thousand page faults per GiB got, 10-15 us each on a VM (session 32).
 * Arrays under {@link #KEPT_MIN_BYTES} are not kept: the young generation makes them cheaply.
 * Thread-safe.
 */
final class PieceBuffers {
  /** Arrays shorter than this are made for each transfer. */
  static final int KEPT_MIN_BYTES = 1 << 20;

  private final int keptCountMax;
  private final IntFunction<byte[]> make;
  private final Deque<SoftReference<byte[]>> kept = new ArrayDeque<>();

  /** Keeps at most {@code keptCountMax} arrays between transfers. */
  PieceBuffers(int keptCountMax) {
    this(keptCountMax, byte[]::new);
  }

  /** As {@link #PieceBuffers(int)}, making new arrays with {@code make} (a test's, to see where they are made). */
  PieceBuffers(int keptCountMax, IntFunction<byte[]> make) {
    if (keptCountMax < 1) {
      throw new IllegalArgumentException("keeps at least one array, not " + keptCountMax);
    }
    this.keptCountMax = keptCountMax;
    this.make = make;
  }

  /**
   * An array of {@code length} bytes: one kept, or a new one. Only an array of that very length is
   * reused (a file's longest piece, the piece size of all but the smallest files), so the pieces held
   * take no more of the heap than {@link ReadAhead#buffersFor} allows them. A kept array holds the
   * bytes of an earlier transfer; the caller writes over what it reads.
   */
  byte[] take(int length) {
    if (length >= KEPT_MIN_BYTES) {
      synchronized (this) {
        for (Iterator<SoftReference<byte[]>> it = kept.iterator(); it.hasNext(); ) {
          byte[] array = it.next().get();
          if (array == null) {
            it.remove();
          } else if (array.length == length) {
            it.remove();
            return array;
          }
        }
      }
    }
    return make.apply(length);
  }

  /**
   * Keeps {@code array}, which no one uses any more, for a later {@link #take}, in place of the one
   * given longest ago if {@code keptCountMax} are kept already.
   */
  void give(byte[] array) {
    if (array.length < KEPT_MIN_BYTES) {
      return;
    }
    synchronized (this) {
      kept.addFirst(new SoftReference<>(array));
      if (kept.size() > keptCountMax) {
        kept.removeLast();
      }
    }
  }

  /** How many arrays are kept now (some may have been taken back by the collector). */
  synchronized int keptCount() {
    return kept.size();
  }
}
