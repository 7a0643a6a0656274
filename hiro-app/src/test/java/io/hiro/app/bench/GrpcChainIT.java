package io.hiro.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.hiro.common.Crc32c;
import io.hiro.common.HostPort;

import io.hiro.common.Limits;
import io.hiro.common.rpc.PieceStreams;
import io.hiro.common.rpc.Rpc;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code limit.grpc_chain} on real bare workers (a JVM each) and a real disk: its timed runs write
 * new files, as Hiro's replicas are new blocks, while its untimed runs overwrite the copies that
 * {@code limit.grpc_get} reads; and its workers check each message as Hiro's do.
 */
class GrpcChainIT {
  private static final long PIECE_BYTES = Limits.PIECE_SIZE_DEFAULT_BYTES;

  @Test
  void timedRunsWriteNewFilesAndTheUntimedCopiesStayTheInputs(@TempDir Path dir) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    // Two pieces: a whole one and one of 3 MiB, both past a staging buffer (written as a large put's).
    RandomFile input = RandomFile.write(dir.resolve("input"), PIECE_BYTES + (3 << 20), 40, deadline);
    BenchSizes sizes = BenchSizes.quick();

    try (BareNodes nodes = BareNodes.start(dir.resolve("bare"), HiroBench.REPLICATION)) {
      Figure figure = GrpcChain.measure(input, nodes, sizes, deadline);

      assertThat(figure.name()).isEqualTo("limit.grpc_chain");
      assertThat(figure.value()).isPositive();
    }

    // Pieces 0 and 1 from the untimed runs; each timed run k its own, from (k + 1) * 2.
    int files = 2 * (1 + sizes.timedRuns());
    for (int w = 0; w < HiroBench.REPLICATION; w++) {
      Path worker = dir.resolve("bare").resolve("w" + w);
      try (Stream<Path> listed = Files.list(worker)) {
        assertThat(listed.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("large-")))
            .as("worker %d's copies", w)
            .containsExactlyInAnyOrderElementsOf(
                Stream.iterate(0, i -> i < files, i -> i + 1).map(i -> "large-" + i + ".piece").toList());
      }
      for (int first : List.of(0, files - 2)) {
        assertThat(crc(worker.resolve("large-" + first + ".piece"), worker.resolve("large-" + (first + 1) + ".piece")))
            .as("worker %d's copy of the file from piece %d", w, first).isEqualTo(input.crc32c());
      }
    }
  }

  @Test
  void aBareWorkerChecksEachMessageOfALargePieceAsHirosWorkersDo(@TempDir Path dir) throws Exception {
    byte[] bytes = new byte[1 << 20];
    new Random(41).nextBytes(bytes);
    WritePieceHeader header = WritePieceHeader.newBuilder().setPieceId(7).setLength(2L * bytes.length).build();

    try (BareNodes nodes = BareNodes.start(dir.resolve("bare"), 1)) {
      ManagedChannel channel = Rpc.channel(HostPort.parse(nodes.workers().get(0).getAddress()));
      try {
        CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
        StreamObserver<WritePieceRequest> piece = DataServiceGrpc.newStub(channel)
            .withDeadlineAfter(1, TimeUnit.MINUTES).writePiece(PieceStreams.completing(answer));
        piece.onNext(WritePieceRequest.newBuilder().setHeader(header).build());
        piece.onNext(WritePieceRequest.newBuilder().setData(PieceData.newBuilder().setOffset(0)
            .setData(ByteString.copyFrom(bytes)).setCrc32C(Crc32c.of(ByteBuffer.wrap(bytes)) + 1)).build());

        assertThatThrownBy(() -> answer.get(1, TimeUnit.MINUTES))
            .hasCauseInstanceOf(StatusRuntimeException.class).hasMessageContaining("failed its CRC32C");
        piece.onError(new IllegalStateException("the test ends the stream"));
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /** The CRC32C of the files' bytes, one after another. */
  private static int crc(Path... files) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    for (Path file : files) {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        while (channel.read(buffer.clear()) > 0) {
          crc.update(buffer.flip());
        }
      }
    }
    return (int) crc.getValue();
  }
}
