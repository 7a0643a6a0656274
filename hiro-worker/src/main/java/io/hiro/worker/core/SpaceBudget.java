package io.hiro.worker.core;

import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.common.Sizes;
import io.hiro.common.WorkerId;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Admits a piece only if the worker has room for all of it: its length is promised to it when its
 * header arrives and given back when it is stored (then counted as used) or given up. A piece that
 * does not fit is RESOURCE_EXHAUSTED before a byte is written, so the client moves it elsewhere.
 *
 * <p>Invariant: promised bytes never exceed the free bytes measured when each promise was made.
 */
public final class SpaceBudget {
  private final WorkerId self;
  private final LongSupplier freeBytes;
  private long promisedBytes;

  /** @param freeBytes free space for replicas now, not counting promises (see {@link WorkerUsage}) */
  public SpaceBudget(WorkerId self, LongSupplier freeBytes) {
    this.self = self;
    this.freeBytes = freeBytes;
  }

  /** A budget that admits everything (tests of other things). */
  public static SpaceBudget unlimited(WorkerId self) {
    return new SpaceBudget(self, () -> Long.MAX_VALUE / 2);
  }

  /** Promises {@code lengthBytes} to a piece; the returned action gives them back (once). */
  public Runnable promise(PieceId pieceId, long lengthBytes) {
    synchronized (this) {
      long free = freeBytes.getAsLong() - promisedBytes;
      if (lengthBytes > free) {
        throw HiroException.exhausted("worker %s is full: piece %s needs %s, %s free; "
            + "'hiro client put' moves it to another worker", self, pieceId, Sizes.format(lengthBytes),
            Sizes.format(Math.max(0, free)));
      }
      promisedBytes += lengthBytes;
    }
    AtomicBoolean given = new AtomicBoolean();
    return () -> {
      if (given.compareAndSet(false, true)) {
        synchronized (this) {
          promisedBytes -= lengthBytes;
        }
      }
    };
  }

  public synchronized long promisedBytes() {
    return promisedBytes;
  }
}
