package io.hiro.worker.rpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.hiro.common.rpc.StatusMapping;
import io.hiro.proto.ReadPieceResponse;
import io.hiro.worker.core.PieceRead;

/**
 * One ReadPiece call: sends messages only while the stream is ready and continues from its
 * onReadyHandler, so a slow reader never makes the whole piece sit in memory.
 */
final class OutgoingPiece {
  private final ServerCallStreamObserver<ReadPieceResponse> call;
  private final PieceRead read;
  private boolean ended;

  OutgoingPiece(ServerCallStreamObserver<ReadPieceResponse> call, PieceRead read) {
    this.call = call;
    this.read = read;
  }

  /** Must run inside the service method; gRPC calls the ready handler once the stream can take data. */
  void start() {
    call.setOnCancelHandler(this::end);
    call.setOnReadyHandler(this::drain);
  }

  private synchronized void drain() {
    if (ended) {
      return;
    }
    try {
      while (call.isReady() && read.hasMore()) {
        call.onNext(ReadPieceResponse.newBuilder().setData(read.next()).build());
      }
      if (!read.hasMore()) {
        end();
        call.onCompleted();
      }
    } catch (RuntimeException e) {
      end();
      call.onError(StatusMapping.toGrpc(e));
    }
  }

  private synchronized void end() {
    if (!ended) {
      ended = true;
      read.close();
    }
  }
}
