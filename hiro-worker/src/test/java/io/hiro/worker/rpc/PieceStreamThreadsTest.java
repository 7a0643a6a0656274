package io.hiro.worker.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.hiro.common.Crc32c;
import io.hiro.common.HostPort;
import io.hiro.common.WorkerId;
import io.hiro.common.guard.EndpointGuards;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.ReplicaMeta;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.core.PieceReads;
import io.hiro.worker.core.PieceWrites;
import io.hiro.worker.core.TestTokens;
import io.hiro.worker.store.ForwardingPieceStore;
import io.hiro.worker.store.MemoryPieceStore;
import io.hiro.worker.store.PieceStore;
import io.hiro.worker.store.PieceWrite;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
    return PieceClient.startSmallWrite(channel, pieceId, bytes);
  }

  /** A store whose commit of piece {@link #HELD} waits for {@link #release}. */
  private static final class HeldCommits extends ForwardingPieceStore {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile String heldCommitThread;

    HeldCommits(PieceStore delegate) {
      super(delegate);
    }

    @Override
    public PieceWrite begin(ReplicaMeta identity) {
      PieceWrite write = delegate.begin(identity);
      if (identity.getPieceId() != HELD) {
        return write;
      }
      return new ForwardingWrite(write) {
        @Override
        public ReplicaMeta commit() {
          heldCommitThread = Thread.currentThread().getName();
          entered.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return delegate.commit();
        }
      };
    }
  }
}
