package io.hiro.client.core;

import io.hiro.client.ProgressListener;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Adds up the bytes of a transfer's pieces for a {@link ProgressListener}. Each piece counts up to the
 * furthest offset it reached, so a piece sent or read again (another chain, another replica) moves the
 * total only past where it got before: the total never goes back and never passes the file's size.
 */
final class TransferProgress {
  private final ProgressListener listener;
  private final long totalBytes;
  private final AtomicLongArray furthest;
  private final AtomicLong done = new AtomicLong();

  TransferProgress(ProgressListener listener, long totalBytes, int pieceCount) {
    this.listener = listener;
    this.totalBytes = totalBytes;
    this.furthest = new AtomicLongArray(pieceCount);
  }

  /** Piece {@code index} has moved its bytes up to {@code endInPiece}. */
  void reached(int index, long endInPiece) {
    while (true) {
      long before = furthest.get(index);
      if (endInPiece <= before) {
        return;
      }
      if (furthest.compareAndSet(index, before, endInPiece)) {
        listener.progress(done.addAndGet(endInPiece - before), totalBytes);
        return;
      }
    }
  }
}
