package io.hiro.worker.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.hiro.common.Crc32c;
import io.hiro.common.HostPort;
import io.hiro.common.Limits;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.common.guard.EndpointGuards;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.ReadPieceRequest;
import io.hiro.proto.ReadPieceResponse;
import io.hiro.proto.ReplicaMeta;
import io.hiro.worker.core.PieceReads;
import io.hiro.worker.core.PieceWrites;
import io.hiro.worker.core.TestTokens;
import io.hiro.worker.store.DataDirLayout;
import io.hiro.worker.store.DiskPieceStore;
import io.hiro.worker.store.ForwardingPieceStore;
import io.hiro.worker.store.PieceWrite;
import io.hiro.worker.store.ReplicaReader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads whose client stops taking messages, through a real Netty server on loopback and a piece
 * store on disk: the sweep makes a waiting read let go of the array its messages are read into,
 * the read goes on with the right bytes when its client does, and an ended read leaves the sweep.
 */
@Timeout(60)
class PieceReadSweepTest {
  private static final long PIECE = 0x5e;
  /** Twice gRPC's flow-control window, so the read waits for its client long before its end. */
  private static final int PIECE_BYTES = 2 * Limits.FLOW_CONTROL_WINDOW_BYTES;

  @TempDir Path dir;
  private DiskPieceStore disk;
  private CountingReaders store;
  private DataService service;
  private Server server;
  private ManagedChannel channel;
  private final byte[] piece = new byte[PIECE_BYTES];

  @BeforeEach
  void start() {
    WorkerId self = new WorkerId("w-1");
    disk = DiskPieceStore.open(new DataDirLayout(dir), self, Clock.systemUTC());
    store = new CountingReaders(disk);
    new Random(7).nextBytes(piece);
    PieceWrite write = store.begin(ReplicaMeta.newBuilder().setPieceId(PIECE).setLength(PIECE_BYTES).build());
    write.append(ByteBuffer.wrap(piece));
    write.commit();
    // An idle cut of 200 ms sweeps every 50 ms.
    service = new DataService(new PieceWrites(self, TestTokens.CHECK, store, meta -> {}, Duration.ofSeconds(5), 4),
        new PieceReads(TestTokens.CHECK, store, Limits.MESSAGE_DATA_BYTES), (worker, header) -> {
          throw new AssertionError("no downstream expected");
        }, Duration.ofMillis(200));
    server = Rpc.startServer("127.0.0.1", 0, List.of(service.withAliasing()), RpcSecurity.PLAINTEXT,
        EndpointGuards.defaults("test", Clock.systemUTC()), DataService.NETWORK_THREAD_METHODS);
    channel = Rpc.channel(new HostPort("127.0.0.1", server.getPort()));
  }

  @AfterEach
  void stop() throws InterruptedException {
    Rpc.shutdown(channel);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    service.close();
    disk.close();
  }

  @Test
  void aReadWaitingForItsClientLetsGoOfItsArrayAndGoesOnWithThePiecesBytes() {
    HeldBackReader reader = read();
    await("the client's one message").atMost(Duration.ofSeconds(20)).until(() -> reader.messages.get() == 1);
    await("the read waiting for its client, its array let go").atMost(Duration.ofSeconds(20))
        .until(() -> store.releases.get() > 0);
    assertThat(reader.messages.get()).as("messages the client took").isEqualTo(1);
    assertThat(service.readsWatched()).isEqualTo(1);
    assertThat(store.open.get()).as("readers open").isEqualTo(1);

    reader.call.request(Integer.MAX_VALUE);

    reader.done.join();
    assertThat(reader.received()).as("the piece's bytes, read on after the array was let go").isEqualTo(piece);
    assertThat(reader.badChecksums.get()).isZero();
    assertThat(service.readsWatched()).as("reads the sweep still visits").isZero();
    assertThat(store.open.get()).as("readers open").isZero();
  }

  @Test
  void aWaitingReadThatItsClientCancelsLeavesTheSweepAndClosesItsReplica() {
    HeldBackReader reader = read();
    await().atMost(Duration.ofSeconds(20)).until(() -> reader.messages.get() == 1 && store.releases.get() > 0);

    reader.call.cancel("the client gave up", null);

    await("the read ended on the server").atMost(Duration.ofSeconds(10))
        .until(() -> service.readsWatched() == 0 && store.open.get() == 0);
    assertThat(Status.fromThrowable(reader.done.handle((r, e) -> e).join()).getCode())
        .isEqualTo(Status.Code.CANCELLED);
  }

  /** Reads the whole piece, taking one message until the test asks for more. */
  private HeldBackReader read() {
    HeldBackReader reader = new HeldBackReader();
    DataServiceGrpc.newStub(channel).readPiece(
        ReadPieceRequest.newBuilder().setPieceId(PIECE).setToken(TestTokens.read(PIECE)).build(), reader);
    return reader;
  }

  private static final class HeldBackReader implements ClientResponseObserver<ReadPieceRequest, ReadPieceResponse> {
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final AtomicInteger messages = new AtomicInteger();
    final AtomicInteger badChecksums = new AtomicInteger();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    volatile ClientCallStreamObserver<ReadPieceRequest> call;

    @Override
    public void beforeStart(ClientCallStreamObserver<ReadPieceRequest> requests) {
      call = requests;
      requests.disableAutoRequestWithInitial(1);
    }

    @Override
    public void onNext(ReadPieceResponse response) {
      PieceData data = response.getData();
      byte[] array = data.getData().toByteArray();
      if (Crc32c.of(array, 0, array.length) != data.getCrc32C()) {
        badChecksums.incrementAndGet();
      }
      synchronized (bytes) {
        if (data.getOffset() != bytes.size()) {
          done.completeExceptionally(new AssertionError("offset " + data.getOffset() + " after " + bytes.size()));
        }
        bytes.writeBytes(array);
      }
      messages.incrementAndGet();
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      done.complete(null);
    }

    byte[] received() {
      synchronized (bytes) {
        return bytes.toByteArray();
      }
    }
  }

  /** The disk store, its readers counted while open and each time they let go of their arrays. */
  private static final class CountingReaders extends ForwardingPieceStore {
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger releases = new AtomicInteger();

    CountingReaders(DiskPieceStore delegate) {
      super(delegate);
    }

    @Override
    public ReplicaReader open(PieceId pieceId) {
      ReplicaReader reader = delegate.open(pieceId);
      open.incrementAndGet();
      return new ForwardingReader(reader) {
        @Override
        public void releaseKept() {
          releases.incrementAndGet();
          super.releaseKept();
        }

        @Override
        public void close() {
          open.decrementAndGet();
          super.close();
        }
      };
    }
  }
}
