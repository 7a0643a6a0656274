package io.hiro.master.store;

import io.hiro.common.HiroException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callbacks for changes whose caller does not wait (a network thread): each runs once the journal
 * made its record durable, with null, or with the journal's failure. A platform thread of its own
 * waits for them, taking its turn at the group commit as any waiting caller does
 * ({@link Journal#awaitDurable}): one fsync covers every callback queued meanwhile.
 */
final class DurableCallbacks implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DurableCallbacks.class);

  private final Journal journal;
  private final Thread thread;
  private List<Waiter> waiting = new ArrayList<>();
  private boolean closed;

  private record Waiter(long seq, Consumer<HiroException> then) {}

  DurableCallbacks(Journal journal) {
    this.journal = journal;
    this.thread = Thread.ofPlatform().daemon().name("journal-callbacks").start(this::run);
  }

  /**
   * Runs {@code then} once record {@code seq} is durable: at once on this thread if it is, else on
   * this object's thread. A failure is passed to it: the journal's, or UNAVAILABLE once closed.
   */
  void whenDurable(long seq, Consumer<HiroException> then) {
    if (journal.durableSeq() >= seq) {
      then.accept(null);
      return;
    }
    synchronized (this) {
      if (!closed) {
        waiting.add(new Waiter(seq, then));
        notifyAll();
        return;
      }
    }
    then.accept(HiroException.unavailable("the master is stopping; the change may not be durable"));
  }

  private void run() {
    while (true) {
      List<Waiter> batch;
      synchronized (this) {
        while (waiting.isEmpty() && !closed) {
          try {
            wait();
          } catch (InterruptedException e) {
            closed = true;
          }
        }
        if (waiting.isEmpty()) {
          return; // closed, and every callback run
        }
        batch = waiting;
        waiting = new ArrayList<>();
      }
      long upTo = batch.stream().mapToLong(Waiter::seq).max().orElseThrow();
      HiroException failure = null;
      try {
        journal.awaitDurable(upTo);
      } catch (HiroException e) {
        failure = e;
      } catch (Throwable t) {
        // Not the journal's own failure: this batch is not known to be durable; this thread goes on.
        LOG.error("master: waiting for the journal failed", t);
        failure = HiroException.unavailable("the master could not confirm the change is durable: %s", t);
      }
      long durable = journal.durableSeq();
      for (Waiter waiter : batch) {
        // A record made durable before a later failure is committed.
        run(waiter.then(), waiter.seq() <= durable ? null : failure);
      }
    }
  }

  private static void run(Consumer<HiroException> then, HiroException failure) {
    try {
      then.accept(failure);
    } catch (Throwable t) {
      LOG.error("master: a callback for a durable change failed", t);
    }
  }

  /** Runs the callbacks queued so far (waiting for the journal as they would), then stops. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
