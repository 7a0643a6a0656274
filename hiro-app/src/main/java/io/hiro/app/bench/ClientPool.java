package io.hiro.app.bench;

import io.hiro.client.ClientSecurity;
import io.hiro.client.HiroClient;
import io.hiro.common.HiroException;
import io.hiro.common.HostPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * N simulated clients: one {@link HiroClient} each, on its own platform thread. {@link #run}
 * splits a counted number of operations between them and times the whole; every loop is bounded
 * by its count and by a deadline.
 */
final class ClientPool implements AutoCloseable {
  /** One operation: client {@code clientIndex} does its {@code opIndex}-th operation (0-based, per client). */
  @FunctionalInterface
  interface Operation {
    void run(HiroClient client, int clientIndex, int opIndex) throws Exception;
  }

  private final List<HiroClient> clients = new ArrayList<>();
  private final ExecutorService threads;

  ClientPool(HostPort master, ClientSecurity security, int clientCount) {
    threads = Executors.newFixedThreadPool(clientCount, runnable -> {
      Thread thread = new Thread(runnable, "bench-client");
      thread.setDaemon(true);
      return thread;
    });
    try {
      for (int i = 0; i < clientCount; i++) {
        HiroClient client = HiroClient.connect(master, security);
        clients.add(client);
        client.stat("/"); // connects, so the timed phase does not include channel set-up
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  int size() {
    return clients.size();
  }

  /**
   * Runs {@code totalCount} operations spread evenly over the clients, all at once, and returns
   * the operations per second over the wall time of the whole phase.
   */
  double run(String phase, int totalCount, Duration timeout, Operation operation) {
    long started = System.nanoTime();
    long deadline = started + timeout.toNanos();
    List<Future<?>> running = new ArrayList<>();
    for (int c = 0; c < clients.size(); c++) {
      int clientIndex = c;
      int count = totalCount / clients.size() + (c < totalCount % clients.size() ? 1 : 0);
      running.add(threads.submit(() -> loop(phase, clientIndex, count, deadline, operation)));
    }
    for (Future<?> future : running) {
      await(phase, future, deadline);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    return totalCount / Math.max(seconds, 1e-9);
  }

  private Void loop(String phase, int clientIndex, int count, long deadline, Operation operation) throws Exception {
    HiroClient client = clients.get(clientIndex);
    for (int i = 0; i < count; i++) {
      if (System.nanoTime() > deadline) {
        throw HiroException.unavailable("bench %s: client %d did only %d of %d operations before the deadline",
            phase, clientIndex, i, count);
      }
      try {
        operation.run(client, clientIndex, i);
      } catch (HiroException e) {
        throw new HiroException(e.code(), String.format("bench %s, client %d, operation %d of %d: %s", phase,
            clientIndex, i + 1, count, e.getMessage()), e);
      }
    }
    return null;
  }

  private void await(String phase, Future<?> future, long deadline) {
    try {
      future.get(Math.max(0, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      cancelAll();
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("bench " + phase + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      cancelAll();
      throw HiroException.unavailable("bench %s did not finish before its deadline", phase);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancelAll();
      throw HiroException.unavailable("bench %s was interrupted", phase);
    }
  }

  private void cancelAll() {
    threads.shutdownNow();
  }

  @Override
  public void close() {
    threads.shutdownNow();
    for (HiroClient client : clients) {
      client.close();
    }
  }
}
