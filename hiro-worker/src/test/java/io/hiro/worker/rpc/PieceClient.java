package io.hiro.worker.rpc;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.hiro.common.Crc32c;
import io.hiro.common.HostPort;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.PieceStreams;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.ReadPieceRequest;
import io.hiro.proto.ReadPieceResponse;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.core.TestTokens;
import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A test's gRPC client of one worker's data service. */
final class PieceClient implements AutoCloseable {
  static final int MESSAGE_BYTES = 1024 * 1024;
  private final ManagedChannel channel;

  PieceClient(HostPort worker) {
    channel = Rpc.channel(worker);
  }

  WritePieceResponse write(WritePieceHeader header, byte[] bytes) throws Exception {
    return write(header, bytes, UnaryOperator.identity());
  }

  /** Sends the header and the bytes in 1 MiB messages; {@code tamper} may change a message. */
  WritePieceResponse write(WritePieceHeader header, byte[] bytes, UnaryOperator<PieceData> tamper) throws Exception {
    CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
    StreamObserver<WritePieceRequest> requests = DataServiceGrpc.newStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .writePiece(PieceStreams.completing(answer));
    requests.onNext(WritePieceRequest.newBuilder().setHeader(header).build());
    for (int offset = 0; offset < bytes.length; offset += MESSAGE_BYTES) {
      int length = Math.min(MESSAGE_BYTES, bytes.length - offset);
      PieceData data = PieceData.newBuilder().setOffset(offset).setData(ByteString.copyFrom(bytes, offset, length))
          .setCrc32C(Crc32c.of(bytes, offset, length)).build();
      requests.onNext(WritePieceRequest.newBuilder().setData(tamper.apply(data)).build());
    }
    requests.onCompleted();
    return answer.get(20, TimeUnit.SECONDS);
  }

  /**
   * Starts a write of a piece without downstream in one data message over {@code channel}, with
   * a WRITE token for it; the answer completes when the worker answers.
   */
  static CompletableFuture<WritePieceResponse> startSmallWrite(ManagedChannel channel, long pieceId, byte[] bytes) {
    CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
    StreamObserver<WritePieceRequest> requests =
        DataServiceGrpc.newStub(channel).writePiece(PieceStreams.completing(answer));
    requests.onNext(WritePieceRequest.newBuilder().setHeader(WritePieceHeader.newBuilder().setPieceId(pieceId)
        .setLength(bytes.length).setToken(TestTokens.write(pieceId))).build());
    requests.onNext(WritePieceRequest.newBuilder().setData(PieceData.newBuilder().setOffset(0)
        .setData(ByteString.copyFrom(bytes)).setCrc32C(Crc32c.of(bytes, 0, bytes.length))).build());
    requests.onCompleted();
    return answer;
  }

  /** Reads with a READ token for the piece. */
  byte[] read(long pieceId, long offset, long length) {
    return read(pieceId, offset, length, TestTokens.read(pieceId));
  }

  byte[] read(long pieceId, long offset, long length, ByteString token) {
    Iterator<ReadPieceResponse> responses = DataServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .readPiece(ReadPieceRequest.newBuilder().setPieceId(pieceId).setOffset(offset).setLength(length)
            .setToken(token).build());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    while (responses.hasNext()) {
      PieceData data = responses.next().getData();
      if (Crc32c.of(data.getData().asReadOnlyByteBuffer()) != data.getCrc32C()) {
        throw new AssertionError("message at offset " + data.getOffset() + " failed its CRC");
      }
      bytes.writeBytes(data.getData().toByteArray());
    }
    return bytes.toByteArray();
  }

  @Override
  public void close() {
    Rpc.shutdown(channel);
  }
}
