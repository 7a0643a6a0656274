package io.hiro.app.bench;

import io.grpc.ManagedChannel;
import io.hiro.client.rpc.PieceWriteCall;
import io.hiro.common.HostPort;
import io.hiro.common.Limits;
import io.hiro.common.rpc.Rpc;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code limit.grpc_chain}: the large put's bytes over Hiro's own transport, with the checks Hiro's
 * design makes (since session 40) and none of Hiro's other work. Three bare workers ({@link
 * BareNodes}: {@link PutFloorNode}s, each in a JVM of its own, Hiro's gRPC settings) take the file in
 * pieces of Hiro's default size, {@link #PIECES_IN_FLIGHT} at a time as Hiro's client sends them,
 * each piece a WritePiece stream sent by Hiro's own {@link PieceWriteCall} (1 MiB messages, each with
 * its CRC32C, gRPC flow control) to a primary that takes turns. Each worker
 * forwards every message to the next one while it writes its copy as Hiro's workers do (O_DIRECT
 * through an aligned buffer where the file system takes it), takes the next message only once the
 * next worker is ready for it, and fsyncs its copy at the piece's end. The checks are Hiro's: the
 * sender takes the whole file's SHA-256 on a thread of its own while the pieces go (a second read of
 * the file, as Hiro's client makes it), and each worker checks each message's CRC32C from its blocks'
 * parts before it forwards or writes it, keeping the blocks' checksums ({@code PutFloorWorker}); until
 * session 40 there were none, and the client's SHA-256 alone was more than half of what Hiro's put
 * took beyond this figure's CPU. No master, no placement, tokens, metrics or replica bookkeeping.
 *
 * <p>Between {@code limit.plain_chain} (the same bytes by plain sockets in one process) and
 * {@code put.1gib}: what grpc-java, the chain's shape and the design's checks cost, apart from the
 * rest of what Hiro's own code does. The untimed runs overwrite one set of copies in place ({@link GrpcGet} reads it afterwards); each
 * timed run writes its copies into new files, new blocks as Hiro's replicas always are (overwriting
 * in place ran 1.24 times faster on the bench's VM: docs/BENCHMARKS.md, session 40), and nothing is
 * deleted until the bench ends, so that no run waits on the disk discarding the blocks of one before
 * it (session 11). The median of {@link BenchSizes#timedRuns()} runs after untimed ones, as the
 * large put is measured: at least {@link BenchSizes#bigPutWarmUpsMin()}, then, since session 40, on
 * until the JIT compilers of the sender and the workers settle, at most {@link
 * BenchSizes#bigPutWarmUpsMax()} (exactly the least before: the checks' code was still being
 * compiled after 8 runs, 13% of the last one's CPU). Since session 41 the bench takes the untimed
 * runs with the other limits and the timed ones in turns with Hiro's timed puts ({@link
 * BigFileBench}): measured minutes apart, the disk's speed had moved between the two by as much as
 * Hiro's put differed from the chain.
 */
final class GrpcChain implements AutoCloseable {
  private static final int REPLICATION = HiroBench.REPLICATION;
  /** As Hiro's client ({@code Uploader.PIECES_IN_FLIGHT_MAX}). */
  static final int PIECES_IN_FLIGHT = 4;

  private final RandomFile input;
  private final List<WorkerRef> workers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final long phaseTimeoutNanos;
  private BareNodes.TimedRuns runs;

  private GrpcChain(RandomFile input, BenchSizes sizes) {
    this.input = input;
    this.phaseTimeoutNanos = sizes.phaseTimeout().toNanos();
  }

  /**
   * The figure, measured on the workers of {@code nodes}: its untimed runs ({@link #warmedUp}), then
   * its timed runs one after another.
   */
  static Figure measure(RandomFile input, BareNodes nodes, BenchSizes sizes, long deadlineNanos) throws IOException {
    try (GrpcChain chain = warmedUp(input, nodes, sizes, deadlineNanos)) {
      for (int timed = 0; timed < sizes.timedRuns(); timed++) {
        chain.timedRun();
      }
      return chain.figure();
    }
  }

  /**
   * The chain on the workers of {@code nodes} (the first {@link #REPLICATION} of them) after its
   * untimed runs, which end by {@code deadlineNanos}; then each {@link #timedRun} is given {@code
   * sizes}' phase timeout (the bench takes them in turns with Hiro's timed puts, since session 41).
   * The workers keep their copies (the untimed runs' one set, overwritten by each, and each timed
   * run's own) until the bench deletes them at the end of its run, as {@link PutFloor}'s files.
   *
   * @param sizes the runs, untimed first (the nodes' JVMs are new and compile as they go), then timed
   */
  static GrpcChain warmedUp(RandomFile input, BareNodes nodes, BenchSizes sizes, long deadlineNanos)
      throws IOException {
    GrpcChain chain = new GrpcChain(input, sizes);
    try {
      for (WorkerRef worker : nodes.workers().subList(0, REPLICATION)) {
        chain.workers.add(worker);
        chain.channels.add(Rpc.channel(HostPort.parse(worker.getAddress())));
      }
      chain.runs = nodes.warmedUp("limit.grpc_chain", "sender", REPLICATION, input, sizes.bigPutWarmUpsMin(),
          sizes.bigPutWarmUpsMax(), timedRun -> chain.put(timedRun, timedRun == BareNodes.UNTIMED ? deadlineNanos
              : System.nanoTime() + chain.phaseTimeoutNanos));
      return chain;
    } catch (IOException | RuntimeException e) {
      chain.close();
      throw e;
    }
  }

  /**
   * One more untimed run, over the untimed runs' copies (after work of the same code in this JVM,
   * e.g. Hiro's client's puts, which may have made the JIT compile it anew).
   */
  void untimedRun() throws IOException {
    put(BareNodes.UNTIMED, System.nanoTime() + phaseTimeoutNanos);
  }

  /** Times the next run, its copies in new files; returns its MB/s. */
  double timedRun() throws IOException {
    return runs.next();
  }

  /** The rates of the timed runs so far, in the order run. */
  double[] rates() {
    return runs.rates();
  }

  /** {@code limit.grpc_chain}: the median of the timed runs so far, with their CPU. */
  Figure figure() {
    return runs.figure();
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
  }

  /**
   * One put of the whole file: every piece stored on all {@link #REPLICATION} workers, or an
   * exception. Untimed ({@link BareNodes#UNTIMED}), its pieces are numbered from 0, so that the copies
   * of the run before are overwritten; timed run {@code k}'s from {@code (k + 1) * pieces}, files of
   * their own.
   */
  private void put(int timedRun, long deadlineNanos) throws IOException {
    long pieceBytes = Limits.PIECE_SIZE_DEFAULT_BYTES;
    int pieces = (int) ((input.sizeBytes() + pieceBytes - 1) / pieceBytes);
    long firstPieceId = timedRun == BareNodes.UNTIMED ? 0 : (timedRun + 1L) * pieces;
    try (FileChannel file = FileChannel.open(input.path(), StandardOpenOption.READ);
         ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
      // The whole file's SHA-256 beside the pieces, as Hiro's client takes it (Uploader).
      Future<Long> hashed = senders.submit(() -> sha256(file));
      // The first failure ends the put at once: the pieces after it would only wait out their own deadlines.
      CompletableFuture<Void> failed = new CompletableFuture<>();
      List<Future<Long>> sent = new ArrayList<>();
      Semaphore inFlight = new Semaphore(PIECES_IN_FLIGHT);
      try {
        for (int index = 0; index < pieces; index++) {
          long offset = index * pieceBytes;
          long length = Math.min(pieceBytes, input.sizeBytes() - offset);
          int piece = index;
          while (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            checkNotFailed(failed);
            RandomFile.checkDeadline(deadlineNanos, "limit.grpc_chain");
          }
          checkNotFailed(failed);
          sent.add(senders.submit(() -> {
            try {
              return (long) sendPiece(file, firstPieceId + piece, piece, offset, length);
            } catch (RuntimeException | Error e) {
              failed.completeExceptionally(e);
              throw e;
            } finally {
              inFlight.release();
            }
          }));
        }
        for (Future<Long> piece : sent) {
          long stored = MachineLimits.await(piece, deadlineNanos, "limit.grpc_chain");
          if (stored != REPLICATION) {
            throw new IOException("limit.grpc_chain: a piece was stored " + stored + " times, not " + REPLICATION);
          }
        }
        long digested = MachineLimits.await(hashed, deadlineNanos, "limit.grpc_chain");
        if (digested != input.sizeBytes()) {
          throw new IOException("limit.grpc_chain: the SHA-256 took " + digested + " bytes of " + input.sizeBytes());
        }
      } catch (IOException | RuntimeException e) {
        senders.shutdownNow(); // a piece still sending is cancelled (PieceWriteCall cancels its call when interrupted)
        throw e;
      } catch (InterruptedException e) {
        senders.shutdownNow();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted during limit.grpc_chain", e);
      }
    }
  }

  private static void checkNotFailed(CompletableFuture<Void> failed) throws IOException {
    if (failed.isCompletedExceptionally()) {
      try {
        failed.join();
      } catch (CompletionException e) {
        throw new IOException("limit.grpc_chain: a piece failed: " + e.getCause(), e.getCause());
      }
    }
  }

  /**
   * Sends the file's piece {@code index}, as piece {@code pieceId}, to its chain (the primary takes
   * turns); returns how many workers stored it.
   */
  private int sendPiece(FileChannel file, long pieceId, int index, long offset, long length) {
    int primary = index % REPLICATION;
    WritePieceHeader header = WritePieceHeader.newBuilder().setPieceId(pieceId).setLength(length)
        .addAllDownstream(PutFloor.downstreamOf(workers, primary)).build();
    WritePieceResponse answer = PieceWriteCall.write(channels.get(primary), workers.get(primary), header,
        (offsetInPiece, into) -> read(file, offset + offsetInPiece, into)).response();
    return answer.getStoredWorkerIdsCount();
  }

  /** The SHA-256 of the whole file, read from its start in 1 MiB reads; returns the bytes it took. */
  private static long sha256(FileChannel file) throws IOException {
    MessageDigest digest = GrpcGet.sha256();
    ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    long position = 0;
    for (int n; (n = file.read(buffer.clear(), position)) > 0; position += n) {
      digest.update(buffer.flip());
    }
    digest.digest();
    return position;
  }

  private static void read(FileChannel file, long position, ByteBuffer into) {
    try {
      for (long at = position; into.hasRemaining(); ) {
        int n = file.read(into, at);
        if (n < 0) {
          throw new IOException("the bench's input file ended at " + at);
        }
        at += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
