package io.hiro.client.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.hiro.common.Limits;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PieceWriteCallTest {
  private static final int MESSAGES = 16;

  private final String name = "flow-" + UUID.randomUUID();
  private final AtomicReference<ServerCallStreamObserver<WritePieceResponse>> serverCall = new AtomicReference<>();
  private final AtomicLong bytesReceived = new AtomicLong();
  private Server server;
  private ManagedChannel channel;

  /** A worker that takes messages only when the test asks it to, as a slow disk would. */
  private final class SlowWorker extends DataServiceGrpc.DataServiceImplBase {
    @Override
    public StreamObserver<WritePieceRequest> writePiece(StreamObserver<WritePieceResponse> responses) {
      ServerCallStreamObserver<WritePieceResponse> call = (ServerCallStreamObserver<WritePieceResponse>) responses;
      call.disableAutoRequest();
      call.request(2);
      serverCall.set(call);
      return new StreamObserver<>() {
        @Override
        public void onNext(WritePieceRequest request) {
          bytesReceived.addAndGet(request.getData().getData().size());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          responses.onNext(WritePieceResponse.newBuilder().addStoredWorkerIds("w1").build());
          responses.onCompleted();
        }
      };
    }
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void aWorkerThatTakesNoMessagesStopsTheClientFromReadingAhead() throws Exception {
    server = InProcessServerBuilder.forName(name).addService(new SlowWorker()).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    AtomicInteger reads = new AtomicInteger();
    long lengthBytes = (long) MESSAGES * Limits.MESSAGE_DATA_BYTES;
    WorkerRef worker = WorkerRef.newBuilder().setWorkerId("w1").setAddress(name).build();
    WritePieceHeader header = WritePieceHeader.newBuilder().setPieceId(7).setLength(lengthBytes).build();

    CompletableFuture<PieceWriteCall.Result> result = CompletableFuture.supplyAsync(() ->
        PieceWriteCall.write(channel, worker, header, (offset, into) -> {
          reads.incrementAndGet();
          into.position(into.limit());
        }));

    await().atMost(Duration.ofSeconds(5)).until(() -> reads.get() >= 1);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> reads.get() <= 3);
    serverCall.get().request(MESSAGES + 1);
    assertThat(result.get(10, TimeUnit.SECONDS).response().getStoredWorkerIdsList()).containsExactly("w1");
    assertThat(reads.get()).isEqualTo(MESSAGES);
    assertThat(bytesReceived.get()).isEqualTo(lengthBytes);
  }
}
