package io.hiro.worker.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.hiro.common.Crc32c;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.common.rpc.PieceStreams;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.ReplicaMeta;
import io.hiro.proto.WholePiece;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.core.PieceReads;
import io.hiro.worker.core.PieceWrites;
import io.hiro.worker.core.TestTokens;
import io.hiro.worker.store.ForwardingPieceStore;
import io.hiro.worker.store.MemoryPieceStore;
import io.hiro.worker.store.PieceWrite;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing the data service with piece streams in flight ({@link DataService#close}): the streams'
 * queued work runs out (a stream whose sender vanished is aborted: its unfinished write removed,
 * its slot freed), work running meanwhile (a commit in its fsync) is not interrupted, and the
 * piece-work threads end. The in-process server runs the calls' callbacks on the thread that brings
 * them, as the worker's server does for WritePiece, so its shutdownNow hands every stream its cancel
 * before the service closes.
 */
@Timeout(30)
class DataServiceCloseTest {
  private static final int STREAMS = 3;
  private static final String PIECE_WORK = "piece-work-";

  private final HeldStore store = new HeldStore(new MemoryPieceStore());
  private final PieceWrites writes = new PieceWrites(new WorkerId("w-1"), TestTokens.CHECK, store, meta -> {},
      Duration.ofSeconds(5), STREAMS);
  private final Set<Thread> pieceWorkBefore = pieceWorkThreads();
  private final DataService service = new DataService(writes, new PieceReads(TestTokens.CHECK, store, 1024),
      (worker, header) -> {
        throw new AssertionError("no downstream expected");
      }, Duration.ofHours(1));
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    store.releaseCommits.countDown();
    channel.shutdownNow();
    server.shutdownNow();
    service.close();
  }

  @Test
  void closingAbortsTheStreamsWhoseSendersVanishedAndEndsThePieceWorkThreads() {
    for (long pieceId = 1; pieceId <= STREAMS; pieceId++) {
      openWithHeaderOnly(pieceId);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> store.memory.writesInFlight() == STREAMS);

    server.shutdownNow(); // the senders vanish: each stream's cancel is queued as its work
    service.close();

    assertThat(store.memory.writesInFlight()).as("unfinished writes once the service is closed").isZero();
    assertThat(writes.streamsInUse()).isZero();
    assertThat(store.workThreads).as("threads that ran the streams' work").isNotEmpty()
        .allSatisfy(thread -> assertThat(thread.getName()).startsWith(PIECE_WORK));
    await("the piece-work threads end").atMost(Duration.ofSeconds(5))
        .until(() -> pieceWorkThreadsSinceTheStart().isEmpty());
  }

  /**
   * A sender's cancel that reaches its stream only once close began: a Netty server's shutdownNow
   * closes its connections on its network threads, so the cancels may come after the worker's
   * close reached {@code DataService.close} (WorkerServer.close). Here the cancels come right after it.
   */
  @Test
  void aCancelThatArrivesOnceCloseBeganStillAbortsItsStream() {
    for (long pieceId = 1; pieceId <= STREAMS; pieceId++) {
      openWithHeaderOnly(pieceId);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> store.memory.writesInFlight() == STREAMS);

    service.close();
    server.shutdownNow(); // the cancels run here, on this thread

    assertThat(store.memory.writesInFlight()).as("unfinished writes once the senders are gone").isZero();
    assertThat(writes.streamsInUse()).isZero();
  }

  /** An interrupted fsync would close a disk replica's file channel and fail the commit. */
  @Test
  void closingLetsACommitInItsFsyncFinishUninterrupted() throws Exception {
    byte[] bytes = new byte[100];
    bytes[0] = 7;
    store.holdCommits = true;
    CompletableFuture<WritePieceResponse> answer = put(7, bytes);
    assertThat(store.commitEntered.await(10, TimeUnit.SECONDS)).as("the commit started").isTrue();

    Thread closer = startClosing();
    assertThat(closer.isAlive()).as("close, while a commit is in its fsync").isTrue();
    store.releaseCommits.countDown();
    closer.join(Duration.ofSeconds(10));

    assertThat(closer.isAlive()).as("close, once the commit finished").isFalse();
    assertThat(store.commitInterrupted).as("the commit was interrupted").isFalse();
    await().atMost(Duration.ofSeconds(5)).until(answer::isDone);
    assertThat(answer.join().getStoredWorkerIdsList()).containsExactly("w-1");
    assertThat(store.memory.bytes(new PieceId(7))).isEqualTo(bytes);
    assertThat(writes.streamsInUse()).isZero();
    await("the piece-work threads end").atMost(Duration.ofSeconds(5))
        .until(() -> pieceWorkThreadsSinceTheStart().isEmpty());
  }

  /**
   * A whole piece (WriteWholePiece) whose commit is in its fsync when close begins finishes and is
   * answered; one that arrives once close began is refused as UNAVAILABLE, with nothing written.
   */
  @Test
  void aWholePieceInItsCommitFinishesAndOneThatArrivesOnceCloseBeganIsRefused() throws Exception {
    byte[] bytes = new byte[100];
    bytes[0] = 8;
    store.holdCommits = true;
    CompletableFuture<WritePieceResponse> held = putWhole(8, bytes);
    assertThat(store.commitEntered.await(10, TimeUnit.SECONDS)).as("the commit started").isTrue();

    Thread closer = startClosing();
    CompletableFuture<WritePieceResponse> late = putWhole(9, bytes);
    await().atMost(Duration.ofSeconds(5)).until(late::isDone);
    assertThat(Status.fromThrowable(late.handle((r, e) -> e).join()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    store.releaseCommits.countDown();
    closer.join(Duration.ofSeconds(10));

    assertThat(closer.isAlive()).as("close, once the commit finished").isFalse();
    await().atMost(Duration.ofSeconds(5)).until(held::isDone);
    assertThat(held.join().getStoredWorkerIdsList()).containsExactly("w-1");
    assertThat(store.memory.bytes(new PieceId(8))).isEqualTo(bytes);
    assertThat(store.memory.meta(new PieceId(9))).isEmpty();
    assertThat(store.memory.writesInFlight()).isZero();
    assertThat(writes.streamsInUse()).isZero();
  }

  /** Starts closing the service on a thread of its own, and returns once the close waits for the piece work (or ended). */
  private Thread startClosing() {
    Thread closer = Thread.ofPlatform().name("closer").start(service::close);
    await("close waits for the piece work").atMost(Duration.ofSeconds(5))
        .until(() -> closer.getState() == Thread.State.TIMED_WAITING || !closer.isAlive());
    return closer;
  }

  private CompletableFuture<WritePieceResponse> putWhole(long pieceId, byte[] bytes) {
    CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
    DataServiceGrpc.newStub(channel).writeWholePiece(WholePiece.newBuilder()
        .setHeader(WritePieceHeader.newBuilder().setPieceId(pieceId).setLength(bytes.length)
            .setToken(TestTokens.write(pieceId)))
        .setData(PieceData.newBuilder().setOffset(0).setData(ByteString.copyFrom(bytes))
            .setCrc32C(Crc32c.of(bytes, 0, bytes.length)))
        .build(), PieceStreams.completing(answer));
    return answer;
  }

  private void openWithHeaderOnly(long pieceId) {
    CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
    StreamObserver<WritePieceRequest> requests =
        DataServiceGrpc.newStub(channel).writePiece(PieceStreams.completing(answer));
    requests.onNext(WritePieceRequest.newBuilder().setHeader(WritePieceHeader.newBuilder().setPieceId(pieceId)
        .setLength(100).setToken(TestTokens.write(pieceId))).build());
  }

  private CompletableFuture<WritePieceResponse> put(long pieceId, byte[] bytes) {
    return PieceClient.startSmallWrite(channel, pieceId, bytes);
  }

  private static Set<Thread> pieceWorkThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith(PIECE_WORK) && thread.isAlive())
        .collect(Collectors.toSet());
  }

  /** Piece-work threads alive now that were not when the test started (those are other services'). */
  private Set<Thread> pieceWorkThreadsSinceTheStart() {
    Set<Thread> threads = new HashSet<>(pieceWorkThreads());
    threads.removeAll(pieceWorkBefore);
    return threads;
  }

  /**
   * A store in memory that records the threads that begin and abort its writes, and, when told,
   * holds every commit (as a slow fsync would) until released, noting whether it was interrupted.
   */
  private static final class HeldStore extends ForwardingPieceStore {
    final MemoryPieceStore memory;
    final Set<Thread> workThreads = ConcurrentHashMap.newKeySet();
    final CountDownLatch commitEntered = new CountDownLatch(1);
    final CountDownLatch releaseCommits = new CountDownLatch(1);
    volatile boolean holdCommits;
    volatile boolean commitInterrupted;

    HeldStore(MemoryPieceStore memory) {
      super(memory);
      this.memory = memory;
    }

    @Override
    public PieceWrite begin(ReplicaMeta identity) {
      workThreads.add(Thread.currentThread());
      return new ForwardingWrite(memory.begin(identity)) {
        @Override
        public ReplicaMeta commit() {
          workThreads.add(Thread.currentThread());
          if (holdCommits) {
            commitEntered.countDown();
            try {
              releaseCommits.await();
            } catch (InterruptedException e) {
              commitInterrupted = true;
              Thread.currentThread().interrupt();
            }
          }
          return delegate.commit();
        }

        @Override
        public void abort() {
          workThreads.add(Thread.currentThread());
          delegate.abort();
        }
      };
    }
  }
}
