package io.hiro.worker.core;

import io.hiro.common.Checks;
import io.hiro.common.Crc32c;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.common.rpc.ByteStrings;
import io.hiro.proto.PieceData;
import io.hiro.proto.ReplicaMeta;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.store.BlockChecksums;
import io.hiro.worker.store.PieceWrite;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One piece arriving at a worker of a chain: each message is verified, forwarded to the next
 * worker, and written locally; at the end the replica is committed and the chain's answer built. A
 * piece that came whole in one message is verified and forwarded first, by {@link #passOnWhole} on
 * the network thread that received it, and written and committed afterwards, by {@link #storeWhole}
 * on a thread that may wait for the disk: the next worker starts on it without waiting for a thread
 * hand-off here.
 *
 * <p>Invariants: data is accepted only in order ({@code offset == bytes received}), never past the
 * header's length, and only with a matching CRC32C (checked before anything is written). Any
 * failure aborts: the unfinished file is removed and the downstream stream cancelled. A failed
 * downstream never fails the piece: it and the workers after it are named as failed. The stream
 * slot is released exactly once, by {@link #finish()} or {@link #abort}.
 */
public final class ChainWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ChainWriter.class);

  private final WorkerId self;
  private final PieceId pieceId;
  private final WritePieceHeader header;
  private final Supplier<PieceWrite> localWrite;
  /** The local replica's write, from {@link #beginLocal}; null before. */
  private PieceWrite write;
  private final ReplicaSink downstream;
  private final Duration downstreamAnswerWait;
  private final Deadlines deadlines;
  private final Consumer<ReplicaMeta> onStored;
  private final Runnable release;
  private long receivedBytes;
  private volatile HiroException downstreamFailure;
  private boolean downstreamCompleted;
  /** A whole piece that {@link #passOnWhole} passed on, with its checksums, for {@link #storeWhole}. */
  private PieceData whole;
  private BlockChecksums.Parts wholeParts;
  private boolean ended;

  /**
   * {@code localWrite} begins the local replica's write when {@link #beginLocal} asks: for a stream at
   * once, for a whole piece in {@link #storeWhole}.
   */
  ChainWriter(WorkerId self, WritePieceHeader header, Supplier<PieceWrite> localWrite, ReplicaSink downstream,
      Duration downstreamAnswerWait, Deadlines deadlines, Consumer<ReplicaMeta> onStored, Runnable release) {
    this.self = self;
    this.pieceId = new PieceId(header.getPieceId());
    this.header = header;
    this.localWrite = localWrite;
    this.downstream = downstream;
    this.downstreamAnswerWait = downstreamAnswerWait;
    this.deadlines = deadlines;
    this.onStored = onStored;
    this.release = release;
  }

  public PieceId pieceId() {
    return pieceId;
  }

  /** Begins the local replica's write; aborts the piece, and throws, if that fails. */
  synchronized void beginLocal() {
    try {
      write = localWrite.get();
    } catch (RuntimeException e) {
      abort(e.getMessage());
      throw e;
    }
  }

  /** Verifies one message, forwards it down the chain, and writes it locally. */
  public synchronized void accept(PieceData data) {
    Checks.check(!ended, "piece %s: data after the end", pieceId);
    Checks.check(write != null, "piece %s: data before the local write began", pieceId);
    try {
      ByteBuffer bytes = ByteStrings.view(data.getData());
      BlockChecksums.Parts parts = verify(data, bytes);
      forward(data);
      write.append(bytes, parts);
      receivedBytes += data.getData().size();
    } catch (RuntimeException e) {
      abort(e.getMessage());
      throw e;
    }
  }

  /**
   * A piece that came whole ({@code data} null for an empty one), on the thread that received it:
   * verifies it and passes it down the chain, whole, then ends the downstream's part; writes
   * nothing, so nothing here waits for the disk. {@link #storeWhole} writes it next. Aborts the
   * piece, and throws, if the piece fails its checks.
   */
  public synchronized void passOnWhole(PieceData data) {
    Checks.check(!ended && write == null && whole == null && receivedBytes == 0, "piece %s: not a new whole piece",
        pieceId);
    try {
      if (data != null) {
        wholeParts = verify(data, ByteStrings.view(data.getData()));
        forward(data);
        whole = data;
      }
      completeDownstream();
    } catch (RuntimeException e) {
      abort(e.getMessage());
      throw e;
    }
  }

  /**
   * Writes the whole piece that {@link #passOnWhole} passed on, and commits it: returns the chain's
   * answer as {@link #finish} does, or aborts the piece and throws.
   */
  public synchronized CompletableFuture<WritePieceResponse> storeWhole() {
    Checks.check(!ended && write == null, "piece %s: not a whole piece passed on", pieceId);
    beginLocal();
    try {
      if (whole != null) {
        write.append(ByteStrings.view(whole.getData()), wholeParts);
        receivedBytes += whole.getData().size();
        whole = null;
        wholeParts = null;
      }
    } catch (RuntimeException e) {
      abort(e.getMessage());
      throw e;
    }
    return finish();
  }

  /** Checks one message; returns its bytes' checksums, computed in the one pass that checked them. */
  private BlockChecksums.Parts verify(PieceData data, ByteBuffer bytes) {
    Checks.require(data.getOffset() == receivedBytes,
        "piece %s: message at offset %d, expected offset %d", pieceId, data.getOffset(), receivedBytes);
    long total = receivedBytes + data.getData().size();
    Checks.require(total <= header.getLength(),
        "piece %s: %d bytes sent, more than its length %d", pieceId, total, header.getLength());
    BlockChecksums.Parts parts = BlockChecksums.parts(receivedBytes, bytes);
    int crc = parts.crc32c();
    if (crc != data.getCrc32C()) {
      throw HiroException.dataLoss("piece %s: message at offset %d failed its CRC32C on worker %s (%s, expected %s); "
          + "resend the piece", pieceId, data.getOffset(), self, Crc32c.hex(crc), Crc32c.hex(data.getCrc32C()));
    }
    return parts;
  }

  private void forward(PieceData data) {
    if (downstream == null || downstreamFailure != null) {
      return;
    }
    try {
      downstream.send(data);
    } catch (RuntimeException e) {
      downstreamFailed(e);
    }
  }

  private void downstreamFailed(RuntimeException e) {
    downstreamFailure = e instanceof HiroException h ? h : HiroException.unavailable("%s", e.getMessage());
    LOG.warn("{}: piece {}: downstream worker {} failed ({}); finishing without it",
        self, pieceId, header.getDownstream(0).getWorkerId(), e.getMessage());
    downstream.cancel("downstream failed");
  }

  /** Runs {@code action} once the next message can be taken (the downstream is ready for it). */
  public void whenReadyForMore(Runnable action) {
    if (downstream == null || downstreamFailure != null) {
      action.run();
    } else {
      downstream.whenReady(action);
    }
  }

  /**
   * The upstream sent everything: commits the replica (throwing, the piece aborted, if that fails),
   * then returns the chain's answer, which completes once the downstream answered, failed, or did
   * not answer within the wait. Nothing waits for it here: the answer is made by the thread that
   * completes it (often the network thread that brought the downstream's answer). A failed
   * downstream never fails the piece. The stream's slot is released when the answer is made.
   */
  public synchronized CompletableFuture<WritePieceResponse> finish() {
    Checks.check(!ended, "piece %s: finished twice", pieceId);
    ReplicaMeta meta;
    try {
      Checks.require(receivedBytes == header.getLength(),
          "piece %s: the stream ended after %d of %d bytes; resend the piece", pieceId, receivedBytes, header.getLength());
      Checks.check(write != null, "piece %s: finished before the local write began", pieceId);
      completeDownstream();
      meta = write.commit();
    } catch (RuntimeException e) {
      abort(e.getMessage());
      throw e;
    }
    ended = true;
    return downstreamAnswer().handle((next, failure) -> {
      try {
        WritePieceResponse response = answer(meta, next, failure);
        LOG.debug("{}: piece {} stored ({} bytes), chain stored {} failed {}", self, pieceId, meta.getLength(),
            response.getStoredWorkerIdsList(), response.getFailedWorkerIdsList());
        onStored.accept(meta);
        return response;
      } finally {
        release.run();
      }
    });
  }

  /** Tells the downstream the piece is all sent, once. */
  private void completeDownstream() {
    if (downstream != null && downstreamFailure == null && !downstreamCompleted) {
      downstreamCompleted = true;
      downstream.complete();
    }
  }

  /**
   * The downstream's answer, failed with a timeout once the wait is over ({@link Deadlines}); null at
   * once when there is none to wait for.
   */
  private CompletableFuture<WritePieceResponse> downstreamAnswer() {
    if (downstream == null || downstreamFailure != null) {
      return CompletableFuture.completedFuture(null);
    }
    return deadlines.within(downstream.answer(), downstreamAnswerWait);
  }

  /** The chain's answer: this replica, and what the downstream stored ({@code next}) or why it failed. */
  private WritePieceResponse answer(ReplicaMeta meta, WritePieceResponse next, Throwable failure) {
    WritePieceResponse.Builder response = WritePieceResponse.newBuilder()
        .setPieceId(header.getPieceId())
        .setCrc32C(meta.getCrc32C())
        .addStoredWorkerIds(self.value());
    if (downstream == null) {
      return response.build();
    }
    Set<String> stored = new LinkedHashSet<>();
    if (failure != null) {
      downstreamFailed(answerFailure(failure));
    } else if (next != null) {
      if (next.getCrc32C() == meta.getCrc32C()) {
        stored.addAll(next.getStoredWorkerIdsList());
      } else {
        downstreamFailed(HiroException.invalid("worker %s stored piece %s with CRC32C %s, not %s",
            header.getDownstream(0).getWorkerId(), pieceId, Crc32c.hex(next.getCrc32C()), Crc32c.hex(meta.getCrc32C())));
      }
    }
    List<String> failed = new ArrayList<>();
    for (WorkerRef worker : header.getDownstreamList()) {
      if (!stored.contains(worker.getWorkerId())) {
        failed.add(worker.getWorkerId());
      }
    }
    stored.retainAll(header.getDownstreamList().stream().map(WorkerRef::getWorkerId).toList());
    return response.addAllStoredWorkerIds(stored).addAllFailedWorkerIds(failed).build();
  }

  private RuntimeException answerFailure(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof TimeoutException) {
      return HiroException.unavailable("worker %s did not answer within %d ms", header.getDownstream(0).getWorkerId(),
          downstreamAnswerWait.toMillis());
    }
    return cause instanceof RuntimeException e ? e : HiroException.unavailable("%s", cause.toString());
  }

  /** Gives up the piece: removes the unfinished file and stops the downstream. Safe to call twice. */
  public synchronized void abort(String reason) {
    if (ended) {
      return;
    }
    ended = true;
    LOG.debug("{}: piece {} aborted: {}", self, pieceId, reason);
    try {
      if (write != null) {
        write.abort();
      }
      if (downstream != null) {
        downstream.cancel("upstream aborted piece " + pieceId + ": " + reason);
      }
    } finally {
      release.run();
    }
  }
}
