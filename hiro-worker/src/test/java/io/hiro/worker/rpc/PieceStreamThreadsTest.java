package io.hiro.worker.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.hiro.common.Crc32c;
import io.hiro.common.HostPort;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.common.guard.EndpointGuards;
import io.hiro.common.rpc.PieceStreams;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.ReplicaMeta;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.core.PieceReads;
import io.hiro.worker.core.PieceWrites;
import io.hiro.worker.core.TestTokens;
import io.hiro.worker.store.BlockChecksums;
import io.hiro.worker.store.MemoryPieceStore;
import io.hiro.worker.store.PieceStore;
import io.hiro.worker.store.PieceWrite;
import io.hiro.worker.store.ReplicaReader;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where a piece stream's work runs, through a real Netty server on loopback started as a worker
 * starts its own: the network thread only hands the work on, so a replica whose commit (its
 * fsync) is held does not hold up another piece that arrives over the same connection.
 */
@Timeout(60)
class PieceStreamThreadsTest {
  private static final long HELD = 1;
  private static final long FREE = 2;

  private final HeldCommits store = new HeldCommits(new MemoryPieceStore());
  private final DataService service = new DataService(
      new PieceWrites(new WorkerId("w-1"), TestTokens.CHECK, store, meta -> {}, Duration.ofSeconds(5), 4),
      new PieceReads(TestTokens.CHECK, store, 1024), (worker, header) -> {
        throw new AssertionError("no downstream expected");
      });
  private final Server server = Rpc.startServer("127.0.0.1", 0, List.of(service.withAliasing()), RpcSecurity.PLAINTEXT,
      EndpointGuards.defaults("test", Clock.systemUTC()), DataService.NETWORK_THREAD_METHODS);
  private final ManagedChannel channel = Rpc.channel(new HostPort("127.0.0.1", server.getPort()));

  @AfterEach
  void stop() throws InterruptedException {
    store.release.countDown();
    Rpc.shutdown(channel);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    service.close();
  }

  @Test
  void aPieceWhoseCommitIsHeldHoldsUpNoOtherPieceOnTheSameConnection() throws InterruptedException {
    CompletableFuture<WritePieceResponse> held = put(HELD);
    assertThat(store.entered.await(10, TimeUnit.SECONDS)).as("the held piece reached its commit").isTrue();

    CompletableFuture<WritePieceResponse> free = put(FREE);

    await().atMost(Duration.ofSeconds(10)).until(free::isDone);
    assertThat(free.join().getStoredWorkerIdsList()).containsExactly("w-1");
    assertThat(held).isNotDone();
    store.release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(held::isDone);
    assertThat(held.join().getStoredWorkerIdsList()).containsExactly("w-1");
    assertThat(store.heldCommitThread).as("the held commit ran on a piece-work thread, not a network or virtual one")
        .startsWith("piece-work-");
  }

  private CompletableFuture<WritePieceResponse> put(long pieceId) {
    byte[] bytes = new byte[4096];
    bytes[0] = (byte) pieceId;
    CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
    StreamObserver<WritePieceRequest> requests = DataServiceGrpc.newStub(channel).writePiece(PieceStreams.completing(answer));
    requests.onNext(WritePieceRequest.newBuilder().setHeader(WritePieceHeader.newBuilder().setPieceId(pieceId)
        .setLength(bytes.length).setToken(TestTokens.write(pieceId))).build());
    requests.onNext(WritePieceRequest.newBuilder().setData(PieceData.newBuilder().setOffset(0)
        .setData(ByteString.copyFrom(bytes)).setCrc32C(Crc32c.of(bytes, 0, bytes.length))).build());
    requests.onCompleted();
    return answer;
  }

  /** A store whose commit of piece {@link #HELD} waits for {@link #release}. */
  private static final class HeldCommits implements PieceStore {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile String heldCommitThread;
    private final PieceStore delegate;

    HeldCommits(PieceStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public PieceWrite begin(ReplicaMeta identity) {
      PieceWrite write = delegate.begin(identity);
      if (identity.getPieceId() != HELD) {
        return write;
      }
      return new PieceWrite() {
        @Override
        public void append(ByteBuffer bytes, BlockChecksums.Parts parts) {
          write.append(bytes, parts);
        }

        @Override
        public long bytesWritten() {
          return write.bytesWritten();
        }

        @Override
        public ReplicaMeta commit() {
          heldCommitThread = Thread.currentThread().getName();
          entered.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return write.commit();
        }

        @Override
        public void abort() {
          write.abort();
        }
      };
    }

    @Override
    public ReplicaReader open(PieceId pieceId) {
      return delegate.open(pieceId);
    }

    @Override
    public Optional<ReplicaMeta> meta(PieceId pieceId) {
      return delegate.meta(pieceId);
    }

    @Override
    public List<ReplicaMeta> replicas() {
      return delegate.replicas();
    }

    @Override
    public Optional<String> moveAsideCorrupt(ReplicaMeta replica) {
      return delegate.moveAsideCorrupt(replica);
    }

    @Override
    public boolean delete(PieceId pieceId) {
      return delegate.delete(pieceId);
    }

    @Override
    public long usedBytes() {
      return delegate.usedBytes();
    }

    @Override
    public int replicaCount() {
      return delegate.replicaCount();
    }
  }
}
