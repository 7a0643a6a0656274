package io.hiro.client.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.proto.PieceRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReadAheadTest {
  private static final int MIB = 1 << 20;

  private static List<PieceRef> pieces(int... lengths) {
    List<PieceRef> pieces = new ArrayList<>();
    long offset = 0;
    for (int i = 0; i < lengths.length; i++) {
      pieces.add(PieceRef.newBuilder().setIndex(i).setOffset(offset).setLength(lengths[i]).build());
      offset += lengths[i];
    }
    return pieces;
  }

  /** Fetches one piece into {@code into}, telling nothing of its progress. */
  @FunctionalInterface
  private interface Fetch {
    void fetch(PieceRef piece, byte[] into);
  }

  /** Takes one piece's bytes, {@code bytes[0..length)}, and is done with them when it returns. */
  @FunctionalInterface
  private interface Consumer {
    void accept(PieceRef piece, byte[] bytes, int length) throws IOException;
  }

  /** {@link ReadAhead#runFollowing} with no follower and a consumer done with each piece when it returns. */
  private static void run(List<PieceRef> pieces, int buffers, PieceBuffers arrays, Fetch fetch, Consumer consumer)
      throws IOException {
    runHandoff(pieces, buffers, arrays, fetch, (piece, bytes, length) -> {
      consumer.accept(piece, bytes, length);
      return null;
    });
  }

  /** {@link ReadAhead#runFollowing} with no follower. */
  private static void runHandoff(List<PieceRef> pieces, int buffers, PieceBuffers arrays, Fetch fetch,
      ReadAhead.Handoff consumer) throws IOException {
    ReadAhead.runFollowing(pieces, buffers, arrays, (piece, into, reached) -> fetch.fetch(piece, into),
        (piece, bytes, from, to) -> {}, consumer);
  }

  /** Fills a piece with its index, so the output shows the order. */
  private static void fill(PieceRef piece, byte[] into) {
    Arrays.fill(into, 0, (int) piece.getLength(), (byte) piece.getIndex());
  }

  @Test
  void piecesReachTheConsumerInOrderEvenWhenLaterOnesArriveFirst() throws IOException {
    List<PieceRef> pieces = pieces(5, 7, 3, 6, 2);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    run(pieces, 3, new PieceBuffers(3), (piece, into) -> {
      if (piece.getIndex() == 0) {
        awaitQuietly(20); // the first piece is the slowest: the next ones land before it
      }
      fill(piece, into);
    }, (piece, bytes, length) -> out.write(bytes, 0, length));
    assertThat(out.toByteArray()).containsExactly(0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4);
  }

  @Test
  void noMoreThanTheGivenBuffersAreFilledOrHeldAtOnce() throws IOException {
    List<PieceRef> pieces = pieces(4, 4, 4, 4, 4, 4, 4, 4, 4, 4);
    AtomicInteger fetching = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    Set<byte[]> buffers = Collections.newSetFromMap(Collections.synchronizedMap(new IdentityHashMap<>()));
    run(pieces, 3, new PieceBuffers(3), (piece, into) -> {
      mostAtOnce.accumulateAndGet(fetching.incrementAndGet(), Math::max);
      buffers.add(into);
      awaitQuietly(2);
      fill(piece, into);
      fetching.decrementAndGet();
    }, (piece, bytes, length) -> assertThat(bytes[0]).isEqualTo((byte) piece.getIndex()));
    assertThat(mostAtOnce.get()).isBetween(1, 3);
    assertThat(buffers).hasSizeLessThanOrEqualTo(3);
  }

  @Test
  void aFailedFetchStopsTheReadAndCancelsTheOthers() throws Exception {
    List<PieceRef> pieces = pieces(4, 4, 4, 4, 4, 4);
    CountDownLatch stuckStarted = new CountDownLatch(1);
    Set<Long> interrupted = ConcurrentHashMap.newKeySet();
    List<Long> consumed = Collections.synchronizedList(new ArrayList<>());
    assertThatThrownBy(() -> run(pieces, 3, new PieceBuffers(3), (piece, into) -> {
      if (piece.getIndex() == 2) {
        try {
          stuckStarted.countDown();
          Thread.sleep(60_000); // a replica that never answers: only the cancellation ends it
        } catch (InterruptedException e) {
          interrupted.add(piece.getIndex());
        }
        return;
      }
      if (piece.getIndex() == 1) {
        awaitLatch(stuckStarted);
        throw HiroException.dataLoss("piece 1 could not be read");
      }
      fill(piece, into);
    }, (piece, bytes, length) -> consumed.add(piece.getIndex())))
        .isInstanceOf(HiroException.class).hasMessageContaining("piece 1 could not be read");
    assertThat(consumed).containsExactly(0L);
    org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> interrupted.contains(2L));
  }

  @Test
  void aFailedReadReturnsOnlyOnceTheFetchesItCancelledHaveEnded() {
    List<PieceRef> pieces = pieces(4, 4, 4, 4);
    CountDownLatch slowStarted = new CountDownLatch(1);
    Set<Long> ended = ConcurrentHashMap.newKeySet();
    assertThatThrownBy(() -> run(pieces, 3, new PieceBuffers(3), (piece, into) -> {
      if (piece.getIndex() == 1) {
        try {
          slowStarted.countDown();
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          awaitQuietly(300); // a fetch that takes a while to end once cancelled (a last WARN, say)
          ended.add(piece.getIndex());
        }
        return;
      }
      if (piece.getIndex() == 0) {
        awaitLatch(slowStarted);
        throw HiroException.dataLoss("piece 0 could not be read");
      }
      fill(piece, into);
    }, (piece, bytes, length) -> {})).isInstanceOf(HiroException.class).hasMessageContaining("piece 0");
    assertThat(ended).containsExactly(1L);
  }

  @Test
  void aFailingConsumerStopsTheRead() {
    List<PieceRef> pieces = pieces(4, 4, 4, 4);
    List<Long> fetched = Collections.synchronizedList(new ArrayList<>());
    assertThatThrownBy(() -> run(pieces, 2, new PieceBuffers(3), (piece, into) -> {
      fetched.add(piece.getIndex());
      fill(piece, into);
    }, (piece, bytes, length) -> {
      throw new IOException("broken pipe");
    })).isInstanceOf(IOException.class).hasMessage("broken pipe");
    assertThat(fetched).doesNotContain(3L);
  }

  @Test
  void aSinglePieceOrASingleBufferIsReadWithoutThreads() throws IOException {
    for (List<PieceRef> pieces : List.of(pieces(9), pieces(3, 2, 4))) {
      List<String> threads = new ArrayList<>();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      run(pieces, pieces.size() == 1 ? 3 : 1, new PieceBuffers(3), (piece, into) -> {
        threads.add(Thread.currentThread().getName());
        fill(piece, into);
      }, (piece, bytes, length) -> out.write(bytes, 0, length));
      assertThat(threads).containsOnly(Thread.currentThread().getName());
      assertThat(out.size()).isEqualTo((int) pieces.stream().mapToLong(PieceRef::getLength).sum());
    }
  }

  /** Arrays that remember the threads that made them. */
  private record Made(List<Thread> threads) {
    Made() {
      this(Collections.synchronizedList(new ArrayList<>()));
    }

    PieceBuffers buffers() {
      return new PieceBuffers(3, length -> {
        threads.add(Thread.currentThread());
        return new byte[length];
      });
    }
  }

  @Test
  void aRunThatEndedWellLeavesItsArraysToTheNextWhichMakesNoneAndStillReadsEveryByte() throws IOException {
    List<PieceRef> pieces = pieces(MIB, MIB, MIB, MIB, MIB, MIB / 2);
    Made made = new Made();
    PieceBuffers arrays = made.buffers();
    run(pieces, 3, arrays, ReadAheadTest::fill, (piece, bytes, length) -> {});
    assertThat(made.threads()).hasSize(3);
    assertThat(arrays.keptCount()).isEqualTo(3);

    List<PieceRef> next = pieces(MIB, MIB / 4, MIB);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    run(next, 3, arrays, ReadAheadTest::fill, (piece, bytes, length) -> out.write(bytes, 0, length));
    assertThat(made.threads()).as("arrays made in all").hasSize(3);
    byte[] expected = new byte[MIB * 2 + MIB / 4];
    Arrays.fill(expected, MIB, MIB + MIB / 4, (byte) 1);
    Arrays.fill(expected, MIB + MIB / 4, expected.length, (byte) 2);
    assertThat(out.toByteArray()).isEqualTo(expected);
  }

  @Test
  void aSinglePieceLeavesItsArrayToTheNextRunToo() throws IOException {
    Made made = new Made();
    PieceBuffers arrays = made.buffers();
    run(pieces(2 * MIB), 3, arrays, ReadAheadTest::fill, (piece, bytes, length) -> {});
    run(pieces(2 * MIB), 3, arrays, ReadAheadTest::fill, (piece, bytes, length) -> {});
    assertThat(made.threads()).hasSize(1);
  }

  @Test
  void newArraysAreMadeByTheFetchesNotByTheThreadThatConsumesThePiecesBefore() throws IOException {
    Made made = new Made();
    run(pieces(MIB, MIB, MIB, MIB), 3, made.buffers(), ReadAheadTest::fill, (piece, bytes, length) -> {});
    assertThat(made.threads()).hasSize(3).doesNotContain(Thread.currentThread());
  }

  @Test
  void aFailedRunKeepsNoArrayAFetchMayStillBeWritingInto() {
    PieceBuffers arrays = new PieceBuffers(3);
    assertThatThrownBy(() -> run(pieces(MIB, MIB, MIB, MIB), 3, arrays, (piece, into) -> {
      if (piece.getIndex() == 2) {
        throw HiroException.dataLoss("piece 2 could not be read");
      }
      fill(piece, into);
    }, (piece, bytes, length) -> {})).hasMessageContaining("piece 2");
    assertThat(arrays.keptCount()).isZero();
  }

  @Test
  void aHandoffIsGivenTheNextPieceWhileItsWorkOnTheOneBeforeGoesOn() {
    List<PieceRef> pieces = pieces(MIB, MIB, MIB, MIB, MIB);
    List<CompletableFuture<Void>> work = Collections.synchronizedList(new ArrayList<>());
    List<Long> taken = Collections.synchronizedList(new ArrayList<>());
    // Each piece's work ends only once the next piece was taken: a run that waited for it first never ends.
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> runHandoff(pieces, 3, new PieceBuffers(3),
        ReadAheadTest::fill, (piece, bytes, length) -> {
          taken.add((long) bytes[0]);
          if (!work.isEmpty()) {
            work.getLast().complete(null);
          }
          CompletableFuture<Void> thisWork = new CompletableFuture<>();
          work.add(thisWork);
          if (piece.getIndex() == pieces.size() - 1) {
            thisWork.complete(null);
          }
          return thisWork;
        }));
    assertThat(taken).containsExactly(0L, 1L, 2L, 3L, 4L);
  }

  @Test
  void noArrayIsFetchedIntoWhileAHandoffStillUsesItAndTheRunEndsOnlyWithTheirWork() throws Exception {
    ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    try {
      for (int buffers : List.of(3, 2)) {
        for (List<PieceRef> pieces : List.of(pieces(MIB, MIB, MIB, MIB, MIB, MIB, MIB, MIB), pieces(MIB))) {
          Set<byte[]> inUse = Collections.newSetFromMap(Collections.synchronizedMap(new IdentityHashMap<>()));
          Set<byte[]> arrays = Collections.newSetFromMap(Collections.synchronizedMap(new IdentityHashMap<>()));
          List<Long> overwritten = Collections.synchronizedList(new ArrayList<>());
          List<CompletableFuture<Void>> work = Collections.synchronizedList(new ArrayList<>());
          runHandoff(pieces, buffers, new PieceBuffers(3), (piece, into) -> {
            if (inUse.contains(into)) {
              overwritten.add(piece.getIndex());
            }
            arrays.add(into);
            fill(piece, into);
          }, (piece, bytes, length) -> {
            inUse.add(bytes);
            CompletableFuture<Void> written = new CompletableFuture<>();
            work.add(written);
            writer.schedule(() -> { // a slow disk: the write ends well after the piece was taken
              inUse.remove(bytes);
              written.complete(null);
            }, 20, TimeUnit.MILLISECONDS);
            return written;
          });
          assertThat(overwritten).as("pieces fetched into an array still being written").isEmpty();
          assertThat(arrays).hasSizeLessThanOrEqualTo(buffers);
          assertThat(work).hasSize(pieces.size()).allMatch(CompletableFuture::isDone);
        }
      }
    } finally {
      writer.shutdownNow();
    }
  }

  @ParameterizedTest(name = "the work on piece {1} of {0} fails")
  @CsvSource({"5, 1", "5, 4", "1, 0"})
  void aHandoffsFailedWorkFailsTheRunAsItFailed(int count, int failing) {
    PieceBuffers arrays = new PieceBuffers(3);
    List<PieceRef> pieces = pieces(Collections.nCopies(count, MIB).stream().mapToInt(Integer::intValue).toArray());
    assertThatThrownBy(() -> runHandoff(pieces, 3, arrays, ReadAheadTest::fill,
        (piece, bytes, length) -> piece.getIndex() == failing
            ? CompletableFuture.failedFuture(new IOException("No space left on device"))
            : CompletableFuture.completedFuture(null)))
        .isInstanceOf(IOException.class).hasMessage("No space left on device");
    assertThat(arrays.keptCount()).isZero();
  }

  @Test
  void aFailedRunCancelsTheHandoffsWorkNotDoneWithoutInterruptingIt() {
    List<PieceRef> pieces = pieces(MIB, MIB, MIB, MIB);
    List<CompletableFuture<Void>> work = Collections.synchronizedList(new ArrayList<>());
    assertThatThrownBy(() -> runHandoff(pieces, 3, new PieceBuffers(3), (piece, into) -> {
      if (piece.getIndex() == 2) {
        throw HiroException.dataLoss("piece 2 could not be read");
      }
      fill(piece, into);
    }, (piece, bytes, length) -> {
      CompletableFuture<Void> written = new CompletableFuture<>(); // a write queued behind a slow one
      work.add(written);
      return written;
    })).hasMessageContaining("piece 2");
    assertThat(work).hasSize(2).allMatch(CompletableFuture::isCancelled);
  }

  @Test
  void aFollowerTakesAPiecesBytesAsTheyArriveBeforeThePieceIsWhole() throws IOException {
    List<PieceRef> pieces = pieces(4, 4, 4, 4, 4);
    // Each fetch tells of its first half, and gives the second only once the follower took the first.
    Set<Long> firstHalfFollowed = ConcurrentHashMap.newKeySet();
    List<String> followed = Collections.synchronizedList(new ArrayList<>());
    List<String> consumed = Collections.synchronizedList(new ArrayList<>());
    ReadAhead.runFollowing(pieces, 3, new PieceBuffers(3), (piece, into, reached) -> {
      reached.accept(0);
      fill(piece, into);
      reached.accept(2);
      org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS)
          .until(() -> firstHalfFollowed.contains(piece.getIndex()));
      reached.accept(4);
    }, (piece, bytes, from, to) -> {
      assertThat(Arrays.copyOfRange(bytes, from, to)).containsOnly((byte) piece.getIndex());
      followed.add(piece.getIndex() + ":" + from + "-" + to);
      if (from == 0) {
        firstHalfFollowed.add(piece.getIndex());
      }
    }, (piece, bytes, length) -> {
      consumed.add(piece.getIndex() + ":whole");
      followed.add(piece.getIndex() + ":whole");
      return null;
    });
    assertThat(followed).containsExactly("0:0-2", "0:2-4", "0:whole", "1:0-2", "1:2-4", "1:whole", "2:0-2", "2:2-4",
        "2:whole", "3:0-2", "3:2-4", "3:whole", "4:0-2", "4:2-4", "4:whole");
  }

  @Test
  void aPieceReadAgainFromItsFirstByteIsHashedAgainFromItsStart() throws Exception {
    List<PieceRef> pieces = pieces(6, 6, 6, 6);
    byte[] file = new byte[24];
    for (PieceRef piece : pieces) {
      Arrays.fill(file, (int) piece.getOffset(), (int) (piece.getOffset() + piece.getLength()), (byte) piece.getIndex());
    }
    InOrderDigest digest = new InOrderDigest();
    CountDownLatch badBytesTaken = new CountDownLatch(1);
    ReadAhead.runFollowing(pieces, 3, new PieceBuffers(3), (piece, into, reached) -> {
      if (piece.getIndex() == 1) {
        // A first replica whose bytes differ, that fails part-way once they were hashed: they must not count.
        reached.accept(0);
        Arrays.fill(into, 0, 4, (byte) 9);
        reached.accept(4);
        awaitLatch(badBytesTaken);
      }
      reached.accept(0);
      fill(piece, into);
      reached.accept(3);
      reached.accept(6);
    }, (piece, bytes, from, to) -> {
      digest.take(from, java.nio.ByteBuffer.wrap(bytes, from, to - from));
      if (bytes[from] == 9) {
        badBytesTaken.countDown();
      }
    },
        (piece, bytes, length) -> {
          digest.pieceDone();
          return null;
        });
    assertThat(badBytesTaken.getCount()).as("the first replica's bytes were hashed").isZero();
    assertThat(digest.digest()).isEqualTo(java.security.MessageDigest.getInstance("SHA-256").digest(file));
  }

  @Test
  void aFetchThatTellsNothingOfItsProgressIsFollowedWholeOnceFetched() throws IOException {
    List<PieceRef> pieces = pieces(4, 5, 6);
    List<String> followed = Collections.synchronizedList(new ArrayList<>());
    ReadAhead.runFollowing(pieces, 3, new PieceBuffers(3), (piece, into, reached) -> fill(piece, into),
        (piece, bytes, from, to) -> followed.add(piece.getIndex() + ":" + from + "-" + to),
        (piece, bytes, length) -> null);
    assertThat(followed).containsExactly("0:0-4", "1:0-5", "2:0-6");
  }

  @Test
  void buffersAreBoundedByAQuarterOfTheHeap() {
    long piece = 64L << 20;
    assertThat(ReadAhead.buffersFor(piece, 4L << 30)).isEqualTo(3);
    assertThat(ReadAhead.buffersFor(piece, 512L << 20)).isEqualTo(2);
    assertThat(ReadAhead.buffersFor(piece, 128L << 20)).isEqualTo(1);
    assertThat(ReadAhead.buffersFor(0, 128L << 20)).isEqualTo(3);
  }

  @Test
  void aFileWhosePiecesTakeOverHalfTheHeapIsRefusedWithWhatToDo() {
    ReadAhead.checkHeapHolds("/a", 64L << 20, 128L << 20); // exactly half: one piece at a time fits
    assertThatThrownBy(() -> ReadAhead.checkHeapHolds("/big", 1L << 30, 1L << 30))
        .isInstanceOfSatisfying(HiroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED))
        .hasMessageContaining("/big has pieces of 1.0 GiB").hasMessageContaining("HIRO_JAVA_OPTS=-Xmx4097m");
  }

  private static void awaitQuietly(long millis) {
    try {
      new CountDownLatch(1).await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
