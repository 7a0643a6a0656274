package io.hiro.worker.core;

import io.hiro.common.Checks;
import io.hiro.common.Crc32c;
import io.hiro.common.HiroException;
import io.hiro.common.Limits;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.proto.CopyOrder;
import io.hiro.proto.PieceData;
import io.hiro.proto.ReplicaMeta;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.store.CorruptReplicaException;
import io.hiro.worker.store.PieceStore;
import io.hiro.worker.store.ReplicaReader;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One copy of a replica to another worker: a piece stream with this replica's header and no
 * downstream, sent as fast as the target takes it and the throttle allows, every block verified
 * as it is read and the whole-piece CRC32C checked before the stream is completed, so a corrupt
 * source never reaches the target as a good replica.
 */
public final class ReplicaCopy {
  /** How long a copy waits for the target to take the next message before it gives up. */
  public static final Duration TARGET_READY_WAIT = Duration.ofSeconds(60);
  /** How long a copy waits for the target's answer once it sent the last byte. */
  public static final Duration TARGET_ANSWER_WAIT = Duration.ofSeconds(30);

  private final WorkerId self;
  private final PieceStore store;
  private final ReplicaSinkFactory sinks;
  private final Throttle throttle;
  private final CorruptReplicas corrupt;

  public ReplicaCopy(WorkerId self, PieceStore store, ReplicaSinkFactory sinks, Throttle throttle,
      CorruptReplicas corrupt) {
    this.self = self;
    this.store = store;
    this.sinks = sinks;
    this.throttle = throttle;
    this.corrupt = corrupt;
  }

  /** Copies the replica; returns its metadata, or throws a HiroException saying why it failed. */
  public ReplicaMeta run(CopyOrder order) throws InterruptedException {
    PieceId pieceId = new PieceId(order.getPieceId());
    Checks.require(!order.getTarget().getWorkerId().isEmpty() && !order.getTarget().getAddress().isEmpty(),
        "copy of piece %s names no target worker", pieceId);
    Checks.require(!order.getTarget().getWorkerId().equals(self.value()),
        "copy of piece %s targets this worker %s itself", pieceId, self);
    ReplicaSink sink = null;
    try (ReplicaReader reader = store.open(pieceId)) {
      ReplicaMeta meta = reader.meta();
      sink = sinks.connect(order.getTarget(), headerOf(meta, order));
      send(reader, sink);
      sink.complete();
      WritePieceResponse answer = sink.awaitAnswer(TARGET_ANSWER_WAIT);
      if (answer.getCrc32C() != meta.getCrc32C()) {
        throw HiroException.dataLoss("worker %s stored piece %s with CRC32C %s, not %s", order.getTarget().getWorkerId(),
            pieceId, Crc32c.hex(answer.getCrc32C()), Crc32c.hex(meta.getCrc32C()));
      }
      return meta;
    } catch (CorruptReplicaException e) {
      cancel(sink, "source replica corrupt");
      corrupt.handle(e);
      throw e;
    } catch (RuntimeException | InterruptedException e) {
      cancel(sink, "copy failed: " + e.getMessage());
      throw e;
    }
  }

  private void send(ReplicaReader reader, ReplicaSink sink) throws InterruptedException {
    ReplicaMeta meta = reader.meta();
    PieceId pieceId = new PieceId(meta.getPieceId());
    int whole = 0;
    for (long offset = 0; offset < meta.getLength(); ) {
      int length = (int) Math.min(Limits.MESSAGE_DATA_BYTES, meta.getLength() - offset);
      awaitReady(sink, pieceId);
      throttle.take(length);
      // An array per message, never ReplicaReader.readTransient's: the sink's client call may keep a message.
      ReplicaReader.Checksummed read = reader.read(offset, length);
      whole = Crc32c.combine(whole, read.crc32c(), length);
      sink.send(PieceData.newBuilder().setOffset(offset).setData(read.bytes())
          .setCrc32C(read.crc32c()).build());
      offset += length;
    }
    if (whole != meta.getCrc32C()) {
      throw new CorruptReplicaException(meta, CorruptReplicaException.WHOLE_PIECE, String.format(
          "worker %s: replica of piece %s has CRC32C %s, its metadata says %s", self, pieceId,
          Crc32c.hex(whole), Crc32c.hex(meta.getCrc32C())));
    }
  }

  private static void awaitReady(ReplicaSink sink, PieceId pieceId) throws InterruptedException {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    sink.whenReady(() -> ready.complete(null));
    try {
      ready.get(TARGET_READY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw HiroException.unavailable("the target took nothing of piece %s for %d ms", pieceId,
          TARGET_READY_WAIT.toMillis());
    } catch (ExecutionException e) {
      throw HiroException.unavailable("piece %s: %s", pieceId, e.getCause().getMessage());
    }
  }

  private static WritePieceHeader headerOf(ReplicaMeta meta, CopyOrder order) {
    return WritePieceHeader.newBuilder()
        .setPieceId(meta.getPieceId())
        .setLength(meta.getLength())
        .setToken(order.getToken())
        .setFileId(meta.getFileId())
        .setIndex(meta.getIndex())
        .setVersion(meta.getVersion())
        .setPath(meta.getPath())
        .build();
  }

  private static void cancel(ReplicaSink sink, String reason) {
    if (sink != null) {
      sink.cancel(reason);
    }
  }
}
