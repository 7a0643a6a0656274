package io.hiro.client.core;

import io.hiro.client.ProgressListener;

/**
 * Adds up the bytes of a transfer's pieces for a {@link ProgressListener}. Each piece counts up to the
 * furthest offset it reached, so a piece sent or read again (another chain, another replica) moves the
 * total only past where it got before: the total never goes back and never passes the file's size.
 */
final class TransferProgress {
  private final ProgressListener listener;
  private final long totalBytes;
  private final long[] furthest;
  private long done;

  TransferProgress(ProgressListener listener, long totalBytes, int pieceCount) {
    this.listener = listener;
    this.totalBytes = totalBytes;
    this.furthest = new long[pieceCount];
  }

  /**
   * Piece {@code index} has moved its bytes up to {@code endInPiece}. Pieces move on several
   * threads at once; the listener hears of them one at a time, in order (once per message of
   * {@link io.hiro.common.Limits#MESSAGE_DATA_BYTES}, so the lock costs nothing that shows).
   */
  synchronized void reached(int index, long endInPiece) {
    long before = furthest[index];
    if (endInPiece <= before) {
      return;
    }
    furthest[index] = endInPiece;
    done += endInPiece - before;
    listener.progress(done, totalBytes);
  }
}
