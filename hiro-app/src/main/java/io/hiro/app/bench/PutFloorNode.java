package io.hiro.app.bench;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
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
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.store.DirectWrites;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
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
 *   <li>worker: WritePiece forwards every message to the rest of the chain while it writes the
 *       bytes into an empty file made ahead (64 at a time, their dir fsynced), then appends ~100
 *       bytes of meta, fsyncs the file, waits for the downstream answer and answers;
 *   <li>worker, the lean put's one call ({@link #WRITE_CHAIN}, a unary method of the bench's own):
 *       the same, the call passed on to the next worker before the file is written;
 *       since session 17 on the network thread, as Hiro's piece streams, the file's write and
 *       fsync on a platform thread, answered by whichever thread finishes last;
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
   * The lean put's call along the chain: a piece's bytes and the workers after this one in; the
   * replicas stored, this one's and those after it, out.
   */
  static final MethodDescriptor<ChainWrite, Integer> WRITE_CHAIN = MethodDescriptor.<ChainWrite, Integer>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName(MethodDescriptor.generateFullMethodName("hiro.bench.PutFloor", "WriteChain"))
      .setRequestMarshaller(new ChainWriteMarshaller())
      .setResponseMarshaller(new CountMarshaller())
      .build();

  /**
   * The calls the nodes run on the network thread that read them, as Hiro's daemons run theirs
   * (sessions 17 and 18): the lean call, WritePiece, CreateFile and CommitFile, whose waits (the disk,
   * the next worker, the journal's fsync) are left to other threads that answer when done.
   */
  static final Set<String> NETWORK_THREAD_METHODS = Set.of(WRITE_CHAIN.getFullMethodName(),
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
        BindableService pieces = () -> AliasingMarshaller.withAliasingRequests(worker.bindService(),
            DataServiceGrpc.getWritePieceMethod(), WritePieceRequest.getDefaultInstance());
        yield start(List.of(pieces, worker.lean()));
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

  /** One {@link #WRITE_CHAIN} call: the workers after the receiving one (addresses), and the bytes. */
  record ChainWrite(List<String> downstream, byte[] data) {
    /** What the receiving worker passes on to the next. */
    ChainWrite passedOn() {
      return new ChainWrite(downstream.subList(1, downstream.size()), data);
    }
  }

  private static final class ChainWriteMarshaller implements MethodDescriptor.Marshaller<ChainWrite> {
    @Override
    public InputStream stream(ChainWrite value) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.data().length + 64);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeByte(value.downstream().size());
        for (String address : value.downstream()) {
          out.writeUTF(address);
        }
        out.writeInt(value.data().length);
        out.write(value.data());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new ByteArrayInputStream(bytes.toByteArray());
    }

    @Override
    public ChainWrite parse(InputStream stream) {
      try (DataInputStream in = new DataInputStream(stream)) {
        List<String> downstream = new ArrayList<>();
        for (int count = in.readUnsignedByte(); downstream.size() < count; ) {
          downstream.add(in.readUTF());
        }
        byte[] data = new byte[in.readInt()];
        in.readFully(data);
        return new ChainWrite(downstream, data);
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("bad WriteChain request: " + e).asRuntimeException();
      }
    }
  }

  private static final class CountMarshaller implements MethodDescriptor.Marshaller<Integer> {
    @Override
    public InputStream stream(Integer value) {
      return new ByteArrayInputStream(new byte[] {value.byteValue()});
    }

    @Override
    public Integer parse(InputStream stream) {
      try {
        return stream.read();
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("bad WriteChain answer: " + e).asRuntimeException();
      }
    }
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
        answer.completeExceptionally(new IllegalStateException("no answer"));
      }
    };
  }

  /** An observer of one WritePiece call that completes {@code answer}. */
  static StreamObserver<WritePieceResponse> answerInto(CompletableFuture<WritePieceResponse> answer) {
    return answerInto(answer, () -> {});
  }

  /** The same, running {@code onReady} each time the call can take more messages, and once it ends. */
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
        answer.completeExceptionally(new IllegalStateException("no answer"));
        onReady.run();
      }
    };
  }
}
