package io.hiro.app.bench;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.hiro.common.Crc32c;
import io.hiro.common.HostPort;
import io.hiro.common.io.StagedDirectWrite;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.ReadPieceRequest;
import io.hiro.proto.ReadPieceResponse;
import io.hiro.proto.ReplicaMeta;
import io.hiro.proto.WholePiece;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.core.PieceWrites;
import io.hiro.worker.rpc.GrpcReplicaSinkFactory;
import io.hiro.worker.rpc.SerialExecutor;
import io.hiro.worker.store.BlockChecksums;
import io.hiro.worker.store.DirectWrites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@link PutFloorNode}'s worker: WriteWholePiece passes the piece on to the rest of the chain in
 * one call while it writes the bytes into an empty file made ahead, then appends ~100 bytes of meta,
 * fsyncs the file, and answers once the next worker did. WritePiece does the same for a stream,
 * each message forwarded; pieces longer than {@link PutFloorNode#LARGE_PIECE_BYTES} are written past
 * the page cache. ReadPiece sends such a piece back ({@link GrpcGet}).
 */
final class PutFloorWorker extends DataServiceGrpc.DataServiceImplBase {
  private static final int SPARE_BATCH = 64;
  private static final int FAN_OUT = 256;

  private final Path dir;
  private final Spares spares;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  /** O_DIRECT and its staging buffers, as Hiro's workers have them. */
  private final DirectWrites directWrites;
  /** The piece streams' and the whole pieces' disk work, on platform threads as Hiro's piece streams' work. */
  private final ExecutorService diskWork = Executors.newFixedThreadPool(PieceWrites.INCOMING_PIECE_STREAMS_MAX,
      Thread.ofPlatform().daemon().name("bench-disk-work-", 0).factory());

  PutFloorWorker(Path dir) throws IOException {
    this.dir = dir;
    this.spares = new Spares(dir);
    this.directWrites = DirectWrites.in(dir, "bench worker", true);
  }

  /**
   * Sends a piece that WritePiece wrote past the page cache ({@link GrpcChain}'s), whole, in messages
   * of {@link io.hiro.common.Limits#MESSAGE_DATA_BYTES}, each read with pread and sent with its
   * offset and CRC32C, as Hiro's workers send a replica: while gRPC is ready for the next, on the
   * thread that runs the call's ready handler. No token, no stored checksums checked.
   */
  @Override
  public void readPiece(ReadPieceRequest request, StreamObserver<ReadPieceResponse> response) {
    ServerCallStreamObserver<ReadPieceResponse> out = (ServerCallStreamObserver<ReadPieceResponse>) response;
    FileChannel file;
    try {
      file = FileChannel.open(dir.resolve("large-" + request.getPieceId() + ".piece"), StandardOpenOption.READ);
    } catch (IOException e) {
      response.onError(Status.NOT_FOUND.withDescription("bench worker: " + e).asRuntimeException());
      return;
    }
    new Outgoing(out, file).start();
  }

  /** One ReadPiece stream. Guarded by this. */
  private static final class Outgoing {
    private final ServerCallStreamObserver<ReadPieceResponse> out;
    private final FileChannel file;
    private final byte[] bytes = new byte[io.hiro.common.Limits.MESSAGE_DATA_BYTES];
    private long sent;
    private boolean ended;

    Outgoing(ServerCallStreamObserver<ReadPieceResponse> out, FileChannel file) {
      this.out = out;
      this.file = file;
    }

    /** Must run inside the service method; gRPC calls the ready handler once the stream can take data. */
    void start() {
      out.setOnReadyHandler(this::sendWhileReady);
      out.setOnCancelHandler(() -> end(null));
    }

    private synchronized void sendWhileReady() {
      try {
        long length = file.size();
        while (!ended && out.isReady()) {
          if (sent >= length) {
            end(null);
            out.onCompleted();
            return;
          }
          int n = (int) Math.min(bytes.length, length - sent);
          ByteBuffer into = ByteBuffer.wrap(bytes, 0, n);
          while (into.hasRemaining()) {
            if (file.read(into, sent + into.position()) < 0) {
              throw new IOException("the piece file ended at " + (sent + into.position()) + " of " + length);
            }
          }
          // The message is serialized before onNext returns, so the array is free again after it.
          out.onNext(ReadPieceResponse.newBuilder().setData(PieceData.newBuilder().setOffset(sent)
              .setData(UnsafeByteOperations.unsafeWrap(bytes, 0, n)).setCrc32C(Crc32c.of(bytes, 0, n))).build());
          sent += n;
        }
      } catch (IOException | RuntimeException e) {
        if (!ended) {
          end(e);
          out.onError(Status.INTERNAL.withDescription("bench worker: " + e).asRuntimeException());
        }
      }
    }

    private synchronized void end(Exception failure) {
      ended = true;
      try {
        file.close();
      } catch (IOException e) {
        if (failure != null) {
          failure.addSuppressed(e);
        }
      }
    }
  }

  @Override
  public StreamObserver<WritePieceRequest> writePiece(StreamObserver<WritePieceResponse> response) {
    Incoming incoming = new Incoming((ServerCallStreamObserver<WritePieceResponse>) response);
    incoming.start();
    return incoming;
  }

  /**
   * Runs on the network thread ({@link PutFloorNode#NETWORK_THREAD_METHODS}), as Hiro's does: passes
   * the piece on in one call, hands the file's write and fsync to {@link #diskWork}, and answers
   * from whichever finishes last, the disk's thread or the network thread that brings the next
   * worker's answer. No thread waits.
   */
  @Override
  public void writeWholePiece(WholePiece request, StreamObserver<WritePieceResponse> response) {
    WritePieceHeader header = request.getHeader();
    CompletableFuture<WritePieceResponse> downstream = new CompletableFuture<>();
    if (header.getDownstreamCount() == 0) {
      downstream.complete(WritePieceResponse.getDefaultInstance());
    } else {
      DataServiceGrpc.newStub(channelTo(header.getDownstream(0).getAddress())).withExecutor(Runnable::run)
          .withDeadlineAfter(Rpc.STREAM_IDLE_DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
          .writeWholePiece(request.toBuilder().setHeader(headerForNext(header)).build(),
              PutFloorNode.completing(downstream));
    }
    CompletableFuture<Void> local = CompletableFuture.runAsync(() -> {
      try (FileChannel file = FileChannel.open(spares.take(), StandardOpenOption.WRITE)) {
        ByteBuffer bytes = request.getData().getData().asReadOnlyByteBuffer();
        long written = 0;
        while (bytes.hasRemaining()) {
          written += file.write(bytes, written);
        }
        appendMetaAndSync(file, written);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, diskWork);
    local.thenCombine(downstream, (done, next) -> next).whenComplete((next, failure) -> {
      if (failure != null) {
        response.onError(Status.UNAVAILABLE.withDescription("bench worker: " + failure).asRuntimeException());
        return;
      }
      response.onNext(WritePieceResponse.newBuilder().addStoredWorkerIds("here")
          .addAllStoredWorkerIds(next.getStoredWorkerIdsList()).build());
      response.onCompleted();
    });
  }

  /** The header the next worker gets: the chain after it. */
  private static WritePieceHeader headerForNext(WritePieceHeader header) {
    return header.toBuilder().clearDownstream()
        .addAllDownstream(header.getDownstreamList().subList(1, header.getDownstreamCount())).build();
  }

  /** On this node's network threads, as a Hiro worker's channels to the next worker are (since session 21). */
  private ManagedChannel channelTo(String address) {
    return channels.computeIfAbsent(address, a -> Rpc.channelOnServerThreads(HostPort.parse(a), RpcSecurity.PLAINTEXT));
  }

  private ClientCallStreamObserver<WritePieceRequest> forward(WritePieceHeader header,
      CompletableFuture<WritePieceResponse> answer, Runnable onReady) {
    ManagedChannel channel = channelTo(header.getDownstream(0).getAddress());
    ClientCallStreamObserver<WritePieceRequest> requests = (ClientCallStreamObserver<WritePieceRequest>)
        DataServiceGrpc.newStub(channel).withExecutor(Runnable::run)
            .withDeadlineAfter(GrpcReplicaSinkFactory.deadlineMillis(header.getLength()), TimeUnit.MILLISECONDS)
            .writePiece(PutFloorNode.answerInto(answer, onReady));
    requests.onNext(WritePieceRequest.newBuilder().setHeader(headerForNext(header)).build());
    return requests;
  }

  /**
   * One WritePiece stream, threaded as Hiro's workers thread theirs (session 17): the callbacks run on
   * the network thread ({@link PutFloorNode#NETWORK_THREAD_METHODS}) and only queue the stream's work
   * on a lane of {@link #diskWork}; each message after the first data one is asked for only once the
   * next worker is ready for more; the answer goes out once the local file is fsynced and the next
   * worker answered, from whichever thread finishes last. No thread waits for the next worker.
   *
   * <p>A piece longer than {@link PutFloorNode#LARGE_PIECE_BYTES} ({@link GrpcChain}'s) is written as
   * Hiro's workers write one, with O_DIRECT through an aligned staging buffer where the file system
   * takes it, into a file named by its piece id (made on its first use, overwritten in place after);
   * since session 40 each of its messages is first checked as Hiro's workers check one (its offset,
   * its CRC32C from its blocks' parts, the blocks' checksums kept: {@link #check}). A failure on the
   * way (the check, the disk, the next worker) ends the stream at once with its reason.
   */
  private final class Incoming implements StreamObserver<WritePieceRequest> {
    private final ServerCallStreamObserver<WritePieceResponse> response;
    private final Executor lane = new SerialExecutor(diskWork);
    private final CompletableFuture<WritePieceResponse> downstreamAnswer = new CompletableFuture<>();
    // Touched only by tasks of `lane`:
    private ClientCallStreamObserver<WritePieceRequest> downstream;
    private FileChannel file;
    private FileChannel direct;
    private ByteBuffer staging;
    private StagedDirectWrite large;
    /** A large piece's block checksums, kept as Hiro's workers keep them. */
    private final BlockChecksums checksums = new BlockChecksums();
    private long received;
    private boolean ended;
    /** A message is owed to the sender once the next worker is ready. */
    private boolean moreOwed;

    Incoming(ServerCallStreamObserver<WritePieceResponse> response) {
      this.response = response;
    }

    void start() {
      response.disableAutoRequest();
      response.request(2); // the header and the first data message, as Hiro's workers ask
    }

    @Override
    public void onNext(WritePieceRequest request) {
      lane.execute(() -> take(request));
    }

    private void take(WritePieceRequest request) {
      if (ended) {
        return;
      }
      try {
        if (request.hasHeader()) {
          WritePieceHeader header = request.getHeader();
          if (header.getDownstreamCount() > 0) {
            downstream = forward(header, downstreamAnswer, () -> lane.execute(this::askIfOwed));
          }
          if (header.getLength() > PutFloorNode.LARGE_PIECE_BYTES) {
            openLarge(dir.resolve("large-" + header.getPieceId() + ".piece"), header.getLength());
          } else {
            file = FileChannel.open(spares.take(), StandardOpenOption.WRITE);
          }
          return;
        }
        ByteBuffer bytes = request.getData().getData().asReadOnlyByteBuffer();
        BlockChecksums.Parts parts = large == null ? null : check(request.getData(), bytes);
        if (downstream != null) {
          downstream.onNext(request);
        }
        if (large != null) {
          checksums.update(bytes, parts);
          received += bytes.remaining();
          large.write(bytes);
        } else {
          while (bytes.hasRemaining()) {
            received += file.write(bytes, received);
          }
        }
        moreOwed = true;
        askIfOwed();
      } catch (IOException | RuntimeException e) {
        fail(e);
      }
    }

    /**
     * A large piece's message checked as Hiro's workers check one before they forward or write it:
     * its CRC32C, from the checksums of its blocks' parts, which are kept ({@code ChainWriter}).
     */
    private BlockChecksums.Parts check(PieceData data, ByteBuffer bytes) throws IOException {
      BlockChecksums.Parts parts = BlockChecksums.parts(received, bytes);
      if (data.getOffset() != received || parts.crc32c() != data.getCrc32C()) {
        throw new IOException("bench worker: the message at offset " + data.getOffset() + " (expected " + received
            + ") failed its CRC32C or came out of order");
      }
      return parts;
    }

    private void openLarge(Path path, long length) throws IOException {
      file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      direct = directWrites.open(path, length).orElse(null);
      staging = direct == null ? null : directWrites.take();
      large = new StagedDirectWrite(file, direct, staging, directWrites.alignment(), 0, written -> {});
    }

    /** Asks the sender for the next message if one is owed and the next worker can take it (gRPC's flow control). */
    private void askIfOwed() {
      if (ended || !moreOwed) {
        return;
      }
      if (downstream == null || downstream.isReady()) {
        moreOwed = false;
        response.request(1);
      } else if (downstreamAnswer.isDone()) {
        fail(new IllegalStateException("the next worker ended the piece stream early: "
            + downstreamAnswer.handle((answer, failure) -> failure == null ? "it answered" : failure.toString()).join()));
      }
    }

    @Override
    public void onError(Throwable error) {
      lane.execute(() -> {
        if (ended) {
          return;
        }
        ended = true;
        if (downstream != null) {
          downstream.cancel("the sender failed", error);
        }
        closeQuietly();
      });
    }

    @Override
    public void onCompleted() {
      lane.execute(this::finish);
    }

    private void finish() {
      if (ended) {
        return;
      }
      try {
        if (downstream != null) {
          downstream.onCompleted();
        }
        if (large != null) {
          large.finish();
          checksums.finish(ReplicaMeta.newBuilder());
          file.force(true);
        } else {
          appendMetaAndSync(file, received);
        }
        closeQuietly();
      } catch (IOException | RuntimeException e) {
        fail(e);
        return;
      }
      ended = true;
      CompletableFuture<WritePieceResponse> next = downstream == null
          ? CompletableFuture.completedFuture(WritePieceResponse.getDefaultInstance()) : downstreamAnswer;
      next.whenComplete((answer, failure) -> {
        if (failure != null) {
          response.onError(Status.UNAVAILABLE.withDescription("bench worker: the next worker failed: " + failure)
              .asRuntimeException());
          return;
        }
        response.onNext(WritePieceResponse.newBuilder().addStoredWorkerIds("here")
            .addAllStoredWorkerIds(answer.getStoredWorkerIdsList()).build());
        response.onCompleted();
      });
    }

    /** Ends the stream with {@code cause} as its reason, cancels the next worker's and closes the file. */
    private void fail(Exception cause) {
      ended = true;
      if (downstream != null) {
        downstream.cancel("the piece failed upstream", cause);
      }
      closeQuietly();
      response.onError(Status.UNAVAILABLE.withDescription("bench worker: " + cause).asRuntimeException());
    }

    private void closeQuietly() {
      for (FileChannel channel : new FileChannel[] {direct, file}) {
        try {
          if (channel != null) {
            channel.close();
          }
        } catch (IOException e) {
          // the stream failed already, or its file is durable
        }
      }
      direct = null;
      file = null;
      if (staging != null) {
        directWrites.give(staging);
        staging = null;
      }
    }
  }

  /** Appends a replica's ~100 bytes of meta after its {@code length} bytes and fsyncs it. */
  private static void appendMetaAndSync(FileChannel file, long length) throws IOException {
    file.write(ByteBuffer.allocate(PutFloorNode.META_BYTES), length);
    file.force(true);
  }

  /**
   * Empty files made ahead, {@link #SPARE_BATCH} at a time in one fan-out dir whose fsync makes them
   * durable, on a thread of its own; made on the spot when none is left, as a worker does.
   */
  private static final class Spares {
    private static final int IDLE_MIN = 32;
    private final Path dir;
    private final Deque<Path> idle = new ArrayDeque<>();
    private int batches;

    Spares(Path dir) throws IOException {
      this.dir = dir;
      for (int d = 0; d < FAN_OUT; d++) {
        Files.createDirectories(dir.resolve(String.format("%02x", d)));
      }
      Thread.ofVirtual().name("spares").start(this::refill);
    }

    synchronized Path take() throws IOException {
      if (idle.isEmpty()) {
        idle.addAll(batch());
      }
      Path spare = idle.poll();
      if (idle.size() < IDLE_MIN) {
        notifyAll();
      }
      return spare;
    }

    private void refill() {
      try {
        while (true) {
          synchronized (this) {
            while (idle.size() >= IDLE_MIN) {
              wait();
            }
          }
          List<Path> made = batch();
          synchronized (this) {
            idle.addAll(made);
          }
        }
      } catch (IOException | InterruptedException e) {
        // the node is stopping, or its disk failed: take() makes spares on the spot
      }
    }

    private List<Path> batch() throws IOException {
      int number;
      synchronized (this) {
        number = batches++;
      }
      Path fanOut = dir.resolve(String.format("%02x", number % FAN_OUT));
      List<Path> made = new ArrayList<>();
      for (int s = 0; s < SPARE_BATCH; s++) {
        made.add(Files.createFile(fanOut.resolve("slot-" + number + "-" + s + ".piece")));
      }
      try (FileChannel directory = FileChannel.open(fanOut, StandardOpenOption.READ)) {
        directory.force(true);
      }
      return made;
    }
  }
}
