package io.hiro.worker.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Waits that end in a {@link TimeoutException}, checked by one periodic sweep ({@link #expire}),
 * not by a timer task each. A timer task per piece, scheduled and then cancelled, woke a timer
 * thread for nearly every piece a worker stored (docs/BENCHMARKS.md, session 18). A wait ends
 * at most one sweep period after its deadline.
 */
public final class Deadlines {
  private final Map<CompletableFuture<?>, Long> waits = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  public Deadlines() {
    this(System::nanoTime);
  }

  Deadlines(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /**
   * A future that completes as {@code future} does, or with a {@link TimeoutException} at the
   * first sweep after {@code wait} from now. Completing it leaves {@code future} as it is.
   */
  public <T> CompletableFuture<T> within(CompletableFuture<T> future, Duration wait) {
    CompletableFuture<T> waited = future.copy();
    if (!waited.isDone()) {
      waits.put(waited, nanoTime.getAsLong() + wait.toNanos());
      waited.whenComplete((result, failure) -> waits.remove(waited));
    }
    return waited;
  }

  /** Fails every wait past its deadline. */
  public void expire() {
    long now = nanoTime.getAsLong();
    waits.forEach((waited, deadline) -> {
      if (now - deadline >= 0) {
        waited.completeExceptionally(new TimeoutException());
      }
    });
  }

  /** Waits not yet ended (for tests). */
  int waiting() {
    return waits.size();
  }
}
