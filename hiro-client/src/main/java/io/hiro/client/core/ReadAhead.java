package io.hiro.client.core;

import io.hiro.common.HiroException;
import io.hiro.common.Sizes;
import io.hiro.proto.PieceRef;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * Hands a file's pieces to a consumer in order, each whole and verified, while the next ones are
 * already being fetched ({@link #runFollowing}): at most {@code buffers} pieces are held at once,
 * each in a buffer of its own that is reused once the work the consumer started on it has ended.
 * A {@link Follower} also takes each piece's bytes as they arrive, before the piece is whole. A
 * failure, of a fetch or of the consumer, cancels the fetches still running and is rethrown.
 */
final class ReadAhead {
  /** Fetches one piece into {@code into} (at least as long as the piece), telling {@code reached} how far its checked bytes have come. */
  @FunctionalInterface
  interface TrackedFetch {
    /**
     * {@code reached} takes the end of the bytes that passed their checks, after each message, and
     * 0 when a replica's read begins (another replica's, after one failed part-way).
     */
    void fetch(PieceRef piece, byte[] into, LongConsumer reached);
  }

  /**
   * Takes a piece's bytes as they arrive, on the consumer's thread and in the pieces' order, before
   * the piece is whole and handed to the consumer: {@code bytes[from..to)} passed their checks.
   * {@code from} is 0 at the piece's first bytes, and again when another replica is read after one
   * failed part-way: what was taken of the piece before then is to be dropped.
   */
  @FunctionalInterface
  interface Follower {
    void follow(PieceRef piece, byte[] bytes, int from, int to);
  }

  /**
   * Takes one piece's bytes, {@code bytes[0..length)}, and may go on using them after it returns,
   * until the future it returns is done (null: done already); only then is the array reused. The
   * next piece is handed over meanwhile, so that the consumer's work on one piece (a write to disk)
   * overlaps its work on the next (hashing it).
   */
  @FunctionalInterface
  interface Handoff {
    Future<?> accept(PieceRef piece, byte[] bytes, int length) throws IOException;
  }

  /** What a wait for a {@link Handoff}'s work on a piece is, in the error an interrupt makes. */
  private static final String PIECE_WORK = "finishing the work on a piece (writing it to disk)";

  /** How long {@link #runFollowing} waits, after a failure, for the fetches it interrupted to end. */
  private static final long FETCHES_END_WAIT_SECONDS = 10;

  private ReadAhead() {}

  /** Whether one piece of {@code longestBytes} takes at most a quarter of the heap, the share pieces held may take. */
  static boolean fitsInHeap(long longestBytes, long heapMaxBytes) {
    return longestBytes <= heapMaxBytes / 4;
  }

  /** The most pieces a transfer holds at once. */
  static final int BUFFERS_MAX = 3;

  /**
   * How many pieces of {@code longestBytes} to hold at once: {@link #BUFFERS_MAX}, fewer if they
   * would take over a quarter of the heap.
   */
  static int buffersFor(long longestBytes, long heapMaxBytes) {
    long fit = heapMaxBytes / 4 / Math.max(longestBytes, 1);
    return (int) Math.max(1, Math.min(BUFFERS_MAX, fit));
  }

  /**
   * Refuses, before anything is read, a file whose pieces of {@code longestBytes} would take more
   * than half the heap, one piece at a time, rather than fail with OutOfMemoryError part-way
   * (pieces are 64 MiB by default, up to 1 GiB).
   */
  static void checkHeapHolds(String path, long longestBytes, long heapMaxBytes) {
    if (longestBytes > heapMaxBytes / 2) {
      throw HiroException.exhausted("%s has pieces of %s, more than half of this client's %s of heap; give it "
          + "more (HIRO_JAVA_OPTS=-Xmx%dm)", path, Sizes.format(longestBytes), Sizes.format(heapMaxBytes),
          (4 * longestBytes >> 20) + 1);
    }
  }

  /**
   * Hands {@code pieces} to {@code consumer} in order, holding at most {@code buffers} at once, in
   * arrays from {@code arrays}, which get them back once the run has ended well (after a failure a
   * fetch may outlive the run, so its array is not given back). With more than one piece and buffer,
   * a new array is made by the fetch that fills it, not by the caller's thread, which is then
   * consuming the piece before; else everything runs on the caller's thread. The consumer may go on
   * using a piece's array after it took the piece: the array counts among the {@code buffers} held
   * until the future the consumer returned for it is done, and its failure is the run's. A run that
   * ends well returns once every such future is done. After a failure the futures not done are
   * cancelled, without interrupting: work under way on an array may go on, and the caller waits for
   * it before it lets go of what that work uses (as {@link DownloadFile#close} does).
   *
   * <p>{@code follower} takes each piece's bytes as they arrive, before
   * the consumer takes the whole piece: on the caller's thread, which would otherwise wait for the
   * piece, so that its work on the bytes (hashing them) starts with the first message rather than
   * after the whole piece (and the two after it, fetched at once) came in. When everything runs on
   * the caller's thread (one piece or one buffer), the follower takes each piece whole once fetched.
   */
  static void runFollowing(List<PieceRef> pieces, int buffers, PieceBuffers arrays, TrackedFetch fetch,
      Follower follower, Handoff consumer) throws IOException {
    int longest = (int) pieces.stream().mapToLong(PieceRef::getLength).max().orElse(0);
    if (pieces.size() <= 1 || buffers <= 1) {
      byte[] buffer = arrays.take(longest);
      for (PieceRef piece : pieces) {
        fetch.fetch(piece, buffer, end -> {});
        follower.follow(piece, buffer, 0, (int) piece.getLength());
        Future<?> consumed = consumer.accept(piece, buffer, (int) piece.getLength());
        if (consumed != null) {
          BoundedParallel.await(consumed, PIECE_WORK);
        }
      }
      arrays.give(buffer);
      return;
    }
    Deque<byte[]> free = new ArrayDeque<>();
    Deque<Fetching> fetching = new ArrayDeque<>();
    Deque<Held> held = new ArrayDeque<>();
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    try {
      int next = 0;
      for (PieceRef piece : pieces) {
        // Arrays the consumer is done with are free again; with every buffer held by the consumer
        // (none fetching, then), this piece waits for the oldest.
        while (!held.isEmpty() && (held.peek().consumed().isDone() || held.size() >= buffers)) {
          free.push(held.remove().await());
        }
        while (next < pieces.size() && fetching.size() + held.size() < buffers) {
          PieceRef ahead = pieces.get(next++);
          byte[] reused = free.poll();
          Arrival arrival = new Arrival();
          fetching.add(new Fetching(arrival, executor.submit(() -> {
            try {
              byte[] buffer = reused != null ? reused : arrays.take(longest);
              arrival.begin(buffer);
              fetch.fetch(ahead, buffer, arrival::reached);
              return buffer;
            } finally {
              arrival.end();
            }
          })));
        }
        Fetching first = fetching.remove();
        int followed = first.arrival().follow(piece, follower);
        byte[] bytes = BoundedParallel.await(first.fetched(), "reading");
        if (followed < piece.getLength()) {
          // A fetch that told less than the whole piece (or nothing) of its progress.
          follower.follow(piece, bytes, followed, (int) piece.getLength());
        }
        Future<?> consumed = consumer.accept(piece, bytes, (int) piece.getLength());
        held.add(new Held(bytes, consumed != null ? consumed : CompletableFuture.completedFuture(null)));
      }
      while (!held.isEmpty()) {
        free.push(held.remove().await());
      }
    } finally {
      // After a failure: the consumer's work not yet started is dropped (its arrays are not reused).
      held.forEach(work -> work.consumed().cancel(false));
      executor.shutdownNow();
      // After a failure the fetches still running were interrupted (gRPC cancels such a call at
      // once): none may log or tell of progress after the caller reported the failure.
      BoundedParallel.awaitEnded(executor, FETCHES_END_WAIT_SECONDS);
    }
    // Every piece was fetched and consumed: no one holds these arrays now.
    free.forEach(arrays::give);
  }

  /** A piece being fetched: how far it has come, and its array once whole. */
  private record Fetching(Arrival arrival, Future<byte[]> fetched) {}

  /**
   * How far a piece being fetched has come: told by its fetch (on the network thread), followed by
   * the consumer's thread. Guarded by {@link #lock} (not a monitor: a virtual thread waiting on one
   * would hold its carrier on Java 21).
   */
  private static final class Arrival {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition moved = lock.newCondition();
    private byte[] bytes;
    private long reached;
    /** How many replica reads began: a new one starts the piece again from its first byte. */
    private int starts;
    private boolean ended;

    void begin(byte[] into) {
      lock.lock();
      try {
        bytes = into;
      } finally {
        lock.unlock();
      }
    }

    void reached(long end) {
      lock.lock();
      try {
        if (end == 0) {
          starts++;
        }
        reached = end;
        moved.signalAll();
      } finally {
        lock.unlock();
      }
    }

    void end() {
      lock.lock();
      try {
        ended = true;
        moved.signalAll();
      } finally {
        lock.unlock();
      }
    }

    /**
     * Hands {@code follower} the piece's bytes as they arrive, until its fetch ended; returns how
     * far it followed the last replica read (the bytes it took before a new one began were dropped).
     */
    int follow(PieceRef piece, Follower follower) {
      int followedStarts = 0;
      long followed = 0;
      while (true) {
        byte[] into;
        long end;
        boolean over;
        lock.lock();
        try {
          while (!ended && starts == followedStarts && reached == followed) {
            try {
              moved.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw HiroException.unavailable("interrupted while reading");
            }
          }
          if (starts != followedStarts) {
            followedStarts = starts;
            followed = 0;
          }
          into = bytes;
          end = reached;
          over = ended;
        } finally {
          lock.unlock();
        }
        if (end > followed) {
          follower.follow(piece, into, (int) followed, (int) end);
          followed = end;
        }
        if (over) {
          return (int) followed;
        }
      }
    }
  }

  /** A piece's array the consumer may still be using, until {@code consumed} is done. */
  private record Held(byte[] bytes, Future<?> consumed) {
    byte[] await() throws IOException {
      BoundedParallel.await(consumed, PIECE_WORK);
      return bytes;
    }
  }
}
