package io.hiro.app.bench;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.hiro.client.rpc.PlacingMarshaller;
import io.hiro.common.Crc32c;
import io.hiro.common.HostPort;
import io.hiro.common.Limits;
import io.hiro.common.rpc.ClientThreads;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.ReadPieceRequest;
import io.hiro.proto.ReadPieceResponse;
import io.hiro.proto.WorkerRef;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code limit.grpc_get}: the large get's bytes over Hiro's own transport with the checks Hiro's
 * design makes and none of its other work, the limit of {@code get.*.cat}. The pieces {@link GrpcChain}
 * left on the bare workers ({@link BareNodes}) are read back by ReadPiece ({@link PutFloorWorker}:
 * messages of 1 MiB, each read with pread and sent with its CRC32C), in order with the next
 * {@link #PIECES_AHEAD} fetched meanwhile as Hiro's cat reads them, piece {@code i} from worker
 * {@code i mod 3}, on one network thread as Hiro's client has. Each message is parsed straight into
 * its place in one of three reused piece arrays and its CRC32C checked there, on that thread as it
 * comes ({@link PlacingMarshaller}, as Hiro's client reads); the whole file's SHA-256 is taken in
 * order on the reading thread, each message's bytes as soon as they are checked and the ones before
 * them hashed. No master, no tokens, no replica order, no retries, no output. The bytes are checked
 * against the input's CRC32C.
 *
 * <p>The workers wrote their copies past the page cache: the first, untimed, runs read them into it
 * (as the untimed cats before {@code get.*} do for Hiro's replicas) and let the JIT compile, as many
 * as Hiro's untimed cats and on the same rule ({@link BenchSizes#bigReadWarmUpsMin()} at least, then
 * until the compilers are nearly done, {@link BareNodes#warmedUp}); then the median of {@link
 * BenchSizes#timedRuns()} runs. Since session 45 the bench takes the untimed runs with the other
 * limits and the timed ones in turns with Hiro's timed cats ({@link BigFileBench}), as the large put
 * takes turns with {@link GrpcChain}: measured minutes apart, Hiro's cat had read 0.78 to 1.21 of
 * this figure.
 */
final class GrpcGet {
  /** As Hiro's cat: the piece being read and two after it ({@code ReadAhead.BUFFERS_MAX} in all). */
  static final int PIECES_AHEAD = 2;
  private static final int REPLICATION = HiroBench.REPLICATION;

  private final RandomFile input;
  private final List<ManagedChannel> channels;
  /** The piece arrays: the one being hashed and those of the pieces read ahead. */
  private final byte[][] arrays = new byte[PIECES_AHEAD + 1][];

  /** Reads {@code input}'s pieces from the workers of {@code channels}, piece {@code i} from channel {@code i mod 3}. */
  GrpcGet(RandomFile input, List<ManagedChannel> channels) {
    this.input = input;
    this.channels = channels;
  }

  /**
   * The figure's runs, reading from the first {@link #REPLICATION} workers of {@code nodes}, which
   * must hold {@code input}'s pieces as {@link GrpcChain}'s untimed runs left them: its untimed runs
   * now, which end by {@code deadlineNanos}; each timed run whenever the caller asks, given {@code
   * sizes}' phase timeout (in turns with Hiro's timed cats, {@link BigFileBench}).
   */
  static Runs warmedUp(RandomFile input, BareNodes nodes, BenchSizes sizes, long deadlineNanos) throws IOException {
    Runs runs = new Runs(sizes);
    try {
      for (WorkerRef worker : nodes.workers().subList(0, REPLICATION)) {
        runs.channels.add(Rpc.channel(HostPort.parse(worker.getAddress()), RpcSecurity.PLAINTEXT, runs.threads));
      }
      GrpcGet get = new GrpcGet(input, runs.channels);
      runs.get = get;
      runs.timed = nodes.warmedUp("limit.grpc_get", "reader", REPLICATION, input, sizes.bigReadWarmUpsMin(),
          sizes.bigPutWarmUpsMax(), timedRun -> get.get(timedRun == BareNodes.UNTIMED ? deadlineNanos
              : System.nanoTime() + runs.phaseTimeoutNanos));
      get.releaseArrays(); // not held through Hiro's phases in this JVM; the untimed run before the turns makes them again
      return runs;
    } catch (IOException | RuntimeException e) {
      runs.close();
      throw e;
    }
  }

  /**
   * {@code limit.grpc_get}'s runs after its untimed ones ({@link #warmedUp}): one more untimed run, and
   * each timed run, whenever the caller asks.
   */
  static final class Runs implements AutoCloseable {
    private final long phaseTimeoutNanos;
    private final ClientThreads threads = new ClientThreads("bench-get-net");
    /** Shut before their threads are ({@link #close}). */
    private final List<ManagedChannel> channels = new ArrayList<>();
    private GrpcGet get;
    private BareNodes.TimedRuns timed;

    private Runs(BenchSizes sizes) {
      this.phaseTimeoutNanos = sizes.phaseTimeout().toNanos();
    }

    /**
     * One more untimed run (after work of the same code in this JVM, e.g. Hiro's client's cats,
     * which may have made the JIT compile it anew).
     */
    void untimedRun() throws IOException {
      get.get(System.nanoTime() + phaseTimeoutNanos);
    }

    /** Times the next run; returns its MB/s. */
    double timedRun() throws IOException {
      return timed.next();
    }

    /** The rates of the timed runs so far, in the order run. */
    double[] rates() {
      return timed.rates();
    }

    /** {@code limit.grpc_get}: the median of the timed runs so far, with their CPU. */
    Figure figure() {
      return timed.figure();
    }

    @Override
    public void close() {
      if (get != null) {
        get.releaseArrays();
      }
      channels.forEach(ManagedChannel::shutdownNow);
      threads.close();
    }
  }

  /** Lets the piece arrays (three of 64 MiB) go; the next {@link #get} makes them again. */
  private void releaseArrays() {
    Arrays.fill(arrays, null);
  }

  /**
   * One get of the whole file, its bytes checked against the input's CRC32C; an exception if they
   * differ. Package-private for the probe {@code docs/probes/GetFloor.java}, which takes turns with Hiro's cat.
   */
  void get(long deadlineNanos) throws IOException {
    long pieceBytes = Limits.PIECE_SIZE_DEFAULT_BYTES;
    int pieces = (int) ((input.sizeBytes() + pieceBytes - 1) / pieceBytes);
    MessageDigest sha256 = sha256();
    List<Read> reads = new ArrayList<>();
    try {
      for (int index = 0; index < pieces; index++) {
        while (reads.size() <= index + PIECES_AHEAD && reads.size() < pieces) {
          int next = reads.size();
          long length = Math.min(pieceBytes, input.sizeBytes() - next * pieceBytes);
          // The array of the piece PIECES_AHEAD + 1 before, hashed by now; kept from one run to the next, as Hiro's client keeps its.
          int array = next % arrays.length;
          if (arrays[array] == null) {
            arrays[array] = new byte[(int) pieceBytes];
          }
          reads.add(Read.start(channels.get(next % REPLICATION), next, arrays[array], (int) length, deadlineNanos));
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

  /** A SHA-256 digest (the JDK always has one); {@link GrpcChain}'s too. */
  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /**
   * One piece's ReadPiece stream into {@code into}: each message placed and checked (offset, length,
   * CRC32C) on the network thread, then counted in {@link #received}, which the reading thread
   * follows. Guarded by this.
   */
  private static final class Read extends ClientCall.Listener<PlacingMarshaller.Placed> {
    private final int index;
    private final byte[] into;
    private final int length;
    private final PlacingMarshaller placing;
    private ClientCall<ReadPieceRequest, PlacingMarshaller.Placed> call;
    private long received;
    private int crc;
    private boolean ended;
    private Throwable failure;

    private Read(int index, byte[] into, int length) {
      this.index = index;
      this.into = into;
      this.length = length;
      this.placing = new PlacingMarshaller(into, length);
    }

    static Read start(ManagedChannel channel, int index, byte[] into, int length, long deadlineNanos) {
      Read read = new Read(index, into, length);
      MethodDescriptor<ReadPieceRequest, ReadPieceResponse> method = DataServiceGrpc.getReadPieceMethod();
      read.call = channel.newCall(method.toBuilder(method.getRequestMarshaller(), read.placing).build(),
          CallOptions.DEFAULT.withExecutor(Runnable::run)
              .withDeadlineAfter(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS));
      read.call.start(read, new Metadata());
      read.call.sendMessage(ReadPieceRequest.newBuilder().setPieceId(index).build());
      read.call.halfClose();
      read.call.request(1);
      return read;
    }

    @Override
    public synchronized void onMessage(PlacingMarshaller.Placed placed) {
      if (ended) {
        return;
      }
      if (placed.tooLong() || placed.offset() != received
          || Crc32c.of(into, (int) received, placed.length()) != placed.crc32c()) {
        end(new IOException(String.format("limit.grpc_get: piece %d, the message at offset %d (expected %d) failed "
            + "its checks", index, placed.offset(), received)));
        call.cancel("limit.grpc_get: a bad message", null);
        return;
      }
      crc = Crc32c.combine(crc, placed.crc32c(), placed.length());
      received += placed.length();
      notifyAll();
      call.request(1);
    }

    @Override
    public synchronized void onClose(Status status, Metadata trailers) {
      if (!status.isOk()) {
        end(status.asRuntimeException(trailers));
      } else if (received != length) {
        end(new IOException("limit.grpc_get: piece " + index + " ended after " + received + " of " + length + " bytes"));
      } else {
        end(null);
      }
    }

    private void end(Throwable failed) {
      if (!ended) {
        ended = true;
        failure = failed;
        notifyAll();
      }
    }

    /** Hashes the piece's bytes as they are checked, until its end; an exception if its read failed or timed out. */
    void hashInto(MessageDigest sha256, long deadlineNanos) throws IOException {
      long hashed = 0;
      while (true) {
        long upTo;
        boolean over;
        synchronized (this) {
          while (!ended && received == hashed) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
              throw new IOException("limit.grpc_get: piece " + index + " timed out");
            }
            try {
              TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IOException("interrupted during limit.grpc_get", e);
            }
          }
          if (failure != null) {
            throw new IOException("limit.grpc_get: piece " + index + " failed: " + failure, failure);
          }
          upTo = received;
          over = ended;
        }
        sha256.update(into, (int) hashed, (int) (upTo - hashed));
        hashed = upTo;
        if (over) {
          return;
        }
      }
    }

    synchronized void cancel() {
      call.cancel("limit.grpc_get ended", null);
      placing.close();
    }
  }
}
