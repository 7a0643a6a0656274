package io.hiro.app.bench;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.hiro.app.Main;
import io.hiro.common.guard.EndpointGuards;
import io.hiro.common.rpc.AliasingMarshaller;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.WholePiece;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.store.DirectWrites;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One daemon of {@link PutFloor}, in a JVM of its own as Hiro's are: {@code master DIR} or
 * {@code worker DIR}. It serves Hiro's own gRPC methods with Hiro's transport settings
 * ({@link Rpc#startServer}) and does only the disk and network work a small put needs:
 * <ul>
 *   <li>master: CreateFile appends a record to a journal and answers without waiting for it;
 *       CommitFile appends one and is answered once it is fsynced, concurrent commits sharing one
 *       fsync (since session 17 on the network thread, answered by the journal's own thread);
 *   <li>worker: WriteWholePiece passes the piece on to the rest of the chain in one call while it
 *       writes the bytes into an empty file made ahead (64 at a time, their dir fsynced), then
 *       appends ~100 bytes of meta, fsyncs the file, and answers once the next worker answered; on
 *       the network thread, as Hiro's, the file's write and fsync on a platform thread, answered by
 *       whichever thread finishes last (since session 20; before, a unary method of the bench's own);
 *   <li>worker: WritePiece does the same for a stream, each message forwarded as it comes;
 *   <li>worker, a piece longer than {@link #LARGE_PIECE_BYTES} ({@link GrpcChain}): each message
 *       forwarded, then written as Hiro's workers write, past the page cache, and the next one taken
 *       only once the next worker is ready for it; the file fsynced at the end.
 * </ul>
 * The piece messages are parsed as Hiro's workers parse them ({@link AliasingMarshaller}, since
 * session 12).
 * No checksums, tokens, placement, namespace, metrics or replica reports. Prints {@code port N},
 * then serves until its standard input closes.
 */
public final class PutFloorNode {
  static final int META_BYTES = 100;
  /** Pieces longer than this are written as {@link GrpcChain}'s, past the page cache; the others as a small put's. */
  static final long LARGE_PIECE_BYTES = DirectWrites.STAGING_BYTES;

  /**
   * The calls the nodes run on the network thread that read them, as Hiro's daemons run theirs
   * (sessions 17, 18 and 20): WriteWholePiece, WritePiece, CreateFile and CommitFile, whose waits (the
   * disk, the next worker, the journal's fsync) are left to other threads that answer when done.
   */
  static final Set<String> NETWORK_THREAD_METHODS = Set.of(
      DataServiceGrpc.getWriteWholePieceMethod().getFullMethodName(),
      DataServiceGrpc.getWritePieceMethod().getFullMethodName(),
      NamespaceServiceGrpc.getCreateFileMethod().getFullMethodName(),
      NamespaceServiceGrpc.getCommitFileMethod().getFullMethodName());

  private PutFloorNode() {}

  public static void main(String[] args) throws IOException {
    Main.nettyDefaults();
    Path dir = Files.createDirectories(Path.of(args[1]));
    Server server = switch (args[0]) {
      case "master" -> start(List.of(new PutFloorMaster(dir)));
      case "worker" -> {
        PutFloorWorker worker = new PutFloorWorker(dir);
        // Piece messages parsed as Hiro's workers parse them, their bytes sharing the message's array.
        BindableService pieces = () -> AliasingMarshaller.withAliasingRequests(
            AliasingMarshaller.withAliasingRequests(worker.bindService(), DataServiceGrpc.getWritePieceMethod(),
                WritePieceRequest.getDefaultInstance()),
            DataServiceGrpc.getWriteWholePieceMethod(), WholePiece.getDefaultInstance());
        yield start(List.of(pieces));
      }
      default -> throw new IllegalArgumentException("role must be master or worker, not " + args[0]);
    };
    System.out.println("port " + server.getPort());
    System.out.flush();
    System.in.transferTo(OutputStream.nullOutputStream());
    server.shutdownNow();
  }

  private static Server start(List<BindableService> services) {
    return Rpc.startServer("127.0.0.1", 0, services, RpcSecurity.PLAINTEXT,
        EndpointGuards.defaults("bench", Clock.systemUTC()), NETWORK_THREAD_METHODS);
  }

  /** An observer of one unary call that completes {@code answer} with its answer. */
  static <T> StreamObserver<T> completing(CompletableFuture<T> answer) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        answer.complete(value);
      }

      @Override
      public void onError(Throwable error) {
        answer.completeExceptionally(error);
      }

      @Override
      public void onCompleted() {
        noAnswer(answer);
      }
    };
  }

  /**
   * Fails {@code answer} if the call ended without one. After an answer (every call's usual end)
   * nothing is made: until session 45 an exception was, its stack trace taking ~9% of a bare
   * worker's network thread and ~6% of the bench's floor clients' (a floor slower than it should be,
   * as Hiro's {@code GrpcReplicaSink} already knew).
   */
  private static void noAnswer(CompletableFuture<?> answer) {
    if (!answer.isDone()) {
      answer.completeExceptionally(new IllegalStateException("no answer"));
    }
  }

  /**
   * An observer of one WritePiece call that completes {@code answer}, running {@code onReady} each
   * time the call can take more messages, and once it ends.
   */
  static ClientResponseObserver<WritePieceRequest, WritePieceResponse> answerInto(
      CompletableFuture<WritePieceResponse> answer, Runnable onReady) {
    return new ClientResponseObserver<>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<WritePieceRequest> requests) {
        requests.setOnReadyHandler(onReady);
      }

      @Override
      public void onNext(WritePieceResponse value) {
        answer.complete(value);
        onReady.run();
      }

      @Override
      public void onError(Throwable error) {
        answer.completeExceptionally(error);
        onReady.run();
      }

      @Override
      public void onCompleted() {
        noAnswer(answer);
        onReady.run();
      }
    };
  }
}
