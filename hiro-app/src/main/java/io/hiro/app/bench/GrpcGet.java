package io.hiro.app.bench;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.hiro.common.Crc32c;
import io.hiro.common.HostPort;
import io.hiro.common.Limits;
import io.hiro.common.rpc.AliasingMarshaller;
import io.hiro.common.rpc.ByteStrings;
import io.hiro.common.rpc.ClientThreads;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.ReadPieceRequest;
import io.hiro.proto.ReadPieceResponse;
import io.hiro.proto.WorkerRef;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code limit.grpc_get}: the large get's bytes over Hiro's own transport with the checks Hiro's
 * design makes and none of its other work, the limit of {@code get.*.cat}. The pieces {@link GrpcChain}
 * left on the bare workers ({@link BareNodes}) are read back by ReadPiece ({@link PutFloorWorker}:
 * messages of 1 MiB, each read with pread and sent with its CRC32C), in order with the next
 * {@link #PIECES_AHEAD} fetched meanwhile as Hiro's cat reads them, piece {@code i} from worker
 * {@code i mod 3}, on one network thread as Hiro's client has. Each message's CRC32C is checked on
 * that thread as it comes, and the whole file's SHA-256 is taken in order on the reading thread from
 * the messages themselves, each as soon as the ones before it are hashed (no piece arrays). No
 * master, no tokens, no replica order, no retries. The bytes are checked against the input's CRC32C.
 *
 * <p>The workers wrote their copies past the page cache: the first, untimed, runs read them into it
 * (as the one untimed cat before {@code get.*} does for Hiro's replicas) and let the JIT compile
 * (as many as the large put's least, {@link BenchSizes#bigPutWarmUpsMin()}); then the median of
 * {@link BenchSizes#timedRuns()} runs.
 */
final class GrpcGet {
  /** As Hiro's cat: the piece being read and two after it ({@code ReadAhead.BUFFERS_MAX} in all). */
  static final int PIECES_AHEAD = 2;
  private static final int REPLICATION = HiroBench.REPLICATION;
  /** A message of a piece's queue that ends it, and one that says the piece's read failed. */
  private static final ByteString END = ByteString.copyFromUtf8("end");
  private static final ByteString FAILED = ByteString.copyFromUtf8("failed");

  private final RandomFile input;
  private final List<ManagedChannel> channels;

  private GrpcGet(RandomFile input, List<ManagedChannel> channels) {
    this.input = input;
    this.channels = channels;
  }

  /**
   * The figure, read from the first {@link #REPLICATION} workers of {@code nodes}, which must hold
   * {@code input}'s pieces as {@link GrpcChain#measure} left them.
   */
  static Figure measure(RandomFile input, BareNodes nodes, BenchSizes sizes, long deadlineNanos) throws IOException {
    List<ManagedChannel> channels = new ArrayList<>();
    try (ClientThreads threads = new ClientThreads("bench-get-net")) {
      for (WorkerRef worker : nodes.workers().subList(0, REPLICATION)) {
        channels.add(Rpc.channel(HostPort.parse(worker.getAddress()), RpcSecurity.PLAINTEXT, threads));
      }
      GrpcGet get = new GrpcGet(input, channels);
      for (int run = 0; run < sizes.bigPutWarmUpsMin(); run++) {
        get.get(deadlineNanos);
      }
      List<String> names = new ArrayList<>(List.of("reader"));
      List<ProcessHandle> processes = new ArrayList<>(List.of(ProcessHandle.current()));
      for (int w = 0; w < REPLICATION; w++) {
        names.add("worker-" + (w + 1));
        processes.add(nodes.workerProcesses().get(w).toHandle());
      }
      Optional<CpuMeter> cpu = CpuMeter.of(names, processes);
      Optional<CpuMeter.Sample> before = cpu.map(CpuMeter::sample);
      double[] runs = new double[sizes.timedRuns()];
      for (int run = 0; run < sizes.timedRuns(); run++) {
        long started = System.nanoTime();
        get.get(deadlineNanos);
        runs[run] = MachineLimits.megabytesPerSecond(input.sizeBytes(), System.nanoTime() - started);
      }
      Figure figure = Figure.medianOf("limit.grpc_get", runs, "MB/s").withRuns(runs, "MB/s")
          .note("(after " + sizes.bigPutWarmUpsMin() + " untimed runs)");
      if (cpu.isEmpty()) {
        return figure;
      }
      double gib = sizes.timedRuns() * input.sizeBytes() / (double) (1L << 30);
      double cpuSeconds = cpu.get().add(null, before.get(), cpu.get().sample()).totalCpuSeconds();
      return figure.note(String.format(Locale.ROOT, "(CPU of the reader and the %d workers: %.1f s/GiB)",
          REPLICATION, cpuSeconds / gib));
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
    }
  }

  /** One get of the whole file, its bytes checked against the input's CRC32C; an exception if they differ. */
  private void get(long deadlineNanos) throws IOException {
    long pieceBytes = Limits.PIECE_SIZE_DEFAULT_BYTES;
    int pieces = (int) ((input.sizeBytes() + pieceBytes - 1) / pieceBytes);
    MessageDigest sha256 = sha256();
    List<Read> reads = new ArrayList<>();
    try {
      for (int index = 0; index < pieces; index++) {
        while (reads.size() <= index + PIECES_AHEAD && reads.size() < pieces) {
          reads.add(Read.start(channels.get(reads.size() % REPLICATION), reads.size(), deadlineNanos));
        }
        reads.get(index).hashInto(sha256, deadlineNanos);
      }
      sha256.digest(); // taken as Hiro's get takes it; the bytes are checked by their CRC32C
      int crc = 0;
      long received = 0;
      for (Read read : reads) {
        crc = Crc32c.combine(crc, read.crc, read.received);
        received += read.received;
      }
      if (received != input.sizeBytes() || crc != input.crc32c()) {
        throw new IOException(String.format("limit.grpc_get read %d bytes with CRC32C %08x, expected %d with %08x",
            received, crc, input.sizeBytes(), input.crc32c()));
      }
    } finally {
      reads.forEach(Read::cancel);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /**
   * One piece's ReadPiece stream: each message's CRC32C and offset checked on the network thread, then
   * queued for the reading thread; the queue ends with {@link #END}, or {@link #FAILED} after a failure.
   */
  private static final class Read implements StreamObserver<ReadPieceResponse> {
    private final BlockingQueue<ByteString> messages = new LinkedBlockingQueue<>();
    private final int index;
    private ClientCall<ReadPieceRequest, ReadPieceResponse> call;
    /** Set on the network thread before END is queued; read after it is taken. */
    private long received;
    private int crc;
    private volatile Throwable failure;

    private Read(int index) {
      this.index = index;
    }

    static Read start(ManagedChannel channel, int index, long deadlineNanos) {
      Read read = new Read(index);
      read.call = channel.newCall(AliasingMarshaller.forResponses(DataServiceGrpc.getReadPieceMethod(),
              ReadPieceResponse.getDefaultInstance()),
          CallOptions.DEFAULT.withExecutor(Runnable::run)
              .withDeadlineAfter(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS));
      ClientCalls.asyncServerStreamingCall(read.call, ReadPieceRequest.newBuilder().setPieceId(index).build(), read);
      return read;
    }

    @Override
    public void onNext(ReadPieceResponse response) {
      PieceData data = response.getData();
      if (data.getOffset() != received || Crc32c.of(ByteStrings.view(data.getData())) != data.getCrc32C()) {
        throw new IllegalStateException(String.format("limit.grpc_get: piece %d, message at offset %d (expected %d)"
            + " failed its checks", index, data.getOffset(), received));
      }
      crc = Crc32c.combine(crc, data.getCrc32C(), data.getData().size());
      received += data.getData().size();
      messages.add(data.getData());
    }

    @Override
    public void onError(Throwable error) {
      failure = error;
      messages.add(FAILED);
    }

    @Override
    public void onCompleted() {
      messages.add(END);
    }

    /** Hashes the piece's messages as they come, until its end; an exception if its read failed or timed out. */
    void hashInto(MessageDigest sha256, long deadlineNanos) throws IOException {
      try {
        for (ByteString message; (message = messages.poll(Math.max(0, deadlineNanos - System.nanoTime()),
            TimeUnit.NANOSECONDS)) != END; ) {
          if (message == null) {
            throw new IOException("limit.grpc_get: piece " + index + " timed out");
          }
          if (message == FAILED) {
            throw new IOException("limit.grpc_get: piece " + index + " failed: " + failure, failure);
          }
          sha256.update(ByteStrings.view(message));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted during limit.grpc_get", e);
      }
    }

    void cancel() {
      call.cancel("limit.grpc_get ended", null);
    }
  }
}
