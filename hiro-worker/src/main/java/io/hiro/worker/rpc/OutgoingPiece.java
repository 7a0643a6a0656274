package io.hiro.worker.rpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.hiro.common.rpc.StatusMapping;
import io.hiro.proto.ReadPieceResponse;
import io.hiro.worker.core.PieceRead;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One ReadPiece call: sends messages only while the stream is ready and continues from its
 * onReadyHandler, so a slow reader never makes the whole piece sit in memory. While it waits for
 * its reader, the data service's sweep lets it drop its read's array ({@link PieceRead#sweep}).
 */
final class OutgoingPiece {
  private final ServerCallStreamObserver<ReadPieceResponse> call;
  private final PieceRead read;
  /** The reads the data service's sweep visits; this one is in it until it ends. */
  private final Set<OutgoingPiece> watched;
  /** Held while sending and ending; the sweep only tries it, so a read on a slow disk never stalls the sweep. */
  private final ReentrantLock lock = new ReentrantLock();
  private boolean ended;

  OutgoingPiece(ServerCallStreamObserver<ReadPieceResponse> call, PieceRead read, Set<OutgoingPiece> watched) {
    this.call = call;
    this.read = read;
    this.watched = watched;
  }

  /** Must run inside the service method; gRPC calls the ready handler once the stream can take data. */
  void start() {
    watched.add(this);
    call.setOnCancelHandler(this::end);
    call.setOnReadyHandler(this::drain);
  }

  private void drain() {
    lock.lock();
    try {
      if (ended) {
        return;
      }
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
    } finally {
      lock.unlock();
    }
  }

  /** The data service's sweep: a read sending at this moment is not waiting, and is left alone. */
  void sweep() {
    if (!lock.tryLock()) {
      return;
    }
    try {
      if (!ended) {
        read.sweep();
      }
    } finally {
      lock.unlock();
    }
  }

  private void end() {
    lock.lock();
    try {
      if (!ended) {
        ended = true;
        watched.remove(this);
        read.close();
      }
    } finally {
      lock.unlock();
    }
  }
}
