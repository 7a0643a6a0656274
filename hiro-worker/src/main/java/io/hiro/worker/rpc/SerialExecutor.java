package io.hiro.worker.rpc;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs its tasks one at a time, in the order given, on threads of a shared pool: one piece stream's
 * work ({@link IncomingPiece}), so that its state needs no lock and a network thread that hands it
 * work never waits. At most one of its tasks is in the pool at a time; the thread that runs it then
 * runs the tasks queued meanwhile. A task that throws (even an Error) is logged, and the next one
 * still runs. Public for the bench's bare workers, which thread their piece streams as Hiro's do.
 */
public final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor pool;
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private boolean draining;

  public SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      tasks.add(task);
      if (draining) {
        return;
      }
      draining = true;
    }
    try {
      pool.execute(this::drain);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        draining = false;
        tasks.clear();
      }
      throw e;
    }
  }

  private void drain() {
    while (true) {
      Runnable task;
      synchronized (this) {
        task = tasks.poll();
        if (task == null) {
          draining = false;
          return;
        }
      }
      try {
        task.run();
      } catch (Throwable t) {
        // Even an Error: the stream's later tasks (its cancel, its idle cut) must still run, or its
        // call would never be answered and its slot never freed.
        LOG.error("a piece stream's task failed", t);
      }
    }
  }
}
