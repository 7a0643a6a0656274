package io.hiro.worker.rpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.hiro.common.PieceId;
import io.hiro.common.rpc.StatusMapping;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.ReadPieceRequest;
import io.hiro.proto.ReadPieceResponse;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.core.PieceRead;
import io.hiro.worker.core.PieceReads;
import io.hiro.worker.core.PieceWrites;
import io.hiro.worker.core.ReplicaSinkFactory;

/** The worker's data service: decodes, calls core, encodes. Flow control lives in the piece classes. */
public final class DataService extends DataServiceGrpc.DataServiceImplBase {
  private final PieceWrites pieceWrites;
  private final PieceReads pieceReads;
  private final ReplicaSinkFactory downstream;

  public DataService(PieceWrites pieceWrites, PieceReads pieceReads, ReplicaSinkFactory downstream) {
    this.pieceWrites = pieceWrites;
    this.pieceReads = pieceReads;
    this.downstream = downstream;
  }

  @Override
  public StreamObserver<WritePieceRequest> writePiece(StreamObserver<WritePieceResponse> responses) {
    IncomingPiece incoming = new IncomingPiece(
        (ServerCallStreamObserver<WritePieceResponse>) responses, pieceWrites, downstream);
    incoming.start();
    return incoming;
  }

  @Override
  public void readPiece(ReadPieceRequest request, StreamObserver<ReadPieceResponse> responses) {
    PieceRead read;
    try {
      read = pieceReads.open(new PieceId(request.getPieceId()), request.getOffset(), request.getLength());
    } catch (RuntimeException e) {
      StatusMapping.fail(responses, e);
      return;
    }
    new OutgoingPiece((ServerCallStreamObserver<ReadPieceResponse>) responses, read).start();
  }
}
