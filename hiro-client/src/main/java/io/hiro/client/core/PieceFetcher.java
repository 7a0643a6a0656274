package io.hiro.client.core;

import io.hiro.client.rpc.CorruptOnWorkerException;
import io.hiro.client.rpc.MasterCalls;
import io.hiro.client.rpc.PieceReadCall;
import io.hiro.client.rpc.PieceReadCall.PieceSink;
import io.hiro.client.rpc.WorkerChannels;
import io.hiro.common.Crc32c;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.proto.FileStatus;
import io.hiro.proto.PieceRef;
import io.hiro.proto.ReportBadReplicaRequest;
import io.hiro.proto.WorkerRef;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one piece from the first replica that gives all its bytes with the right checksums,
 * trying the replicas in {@link ReplicaOrder}. A replica failing the client's checksums is reported to
 * the master; one its worker found corrupt ({@link CorruptOnWorkerException}) was reported by the worker.
 * Errors thrown by the sink (the local side) are not replica failures and end the read at once.
 * When a worker refuses the piece's read token (it expired during a long get), the token is
 * renewed once and every replica tried again.
 */
final class PieceFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(PieceFetcher.class);

  private final MasterCalls master;
  private final WorkerChannels workers;

  PieceFetcher(MasterCalls master, WorkerChannels workers) {
    this.master = master;
    this.workers = workers;
  }

  /**
   * Reads {@code piece} into {@code sink}; {@code renewToken} gives the piece again with a new read
   * token, when the workers refused the one it has.
   */
  void fetch(FileStatus file, PieceRef piece, PieceSink sink, UnaryOperator<PieceRef> renewToken) {
    String path = file.getPath();
    long firstPieceId = file.getPieces(0).getPieceId();
    String what = String.format("piece %d (%s) of %s", piece.getIndex(), new PieceId(piece.getPieceId()), path);
    if (piece.getReplicasCount() == 0) {
      throw HiroException.dataLoss("%s has no replica left; the file cannot be read", what);
    }
    Failures failures = readFromAny(what, piece, firstPieceId, sink);
    if (failures.isEmpty()) {
      return;
    }
    if (failures.denied > 0) {
      LOG.debug("{}: a worker refused the read token of {}; asking the master for a new one", master.endpoint(), what);
      PieceRef renewed = renewToken.apply(piece);
      failures = renewed.getReplicasCount() == 0 ? failures : readFromAny(what, renewed, firstPieceId, sink);
      if (failures.isEmpty()) {
        return;
      }
    }
    throw failures.toException(what);
  }

  /** Tries each replica in {@link ReplicaOrder}; returns the failures, none if one replica gave the whole piece. */
  private Failures readFromAny(String what, PieceRef piece, long firstPieceId, PieceSink sink) {
    Failures failures = new Failures();
    for (WorkerRef replica : ReplicaOrder.forRead(piece, firstPieceId)) {
      try {
        int crc32c = PieceReadCall.read(workers.channel(replica), replica, piece, sink);
        if (crc32c != piece.getCrc32C()) {
          throw HiroException.dataLoss("%s from %s has CRC32C %s, expected %s", what,
              WorkerChannels.endpoint(replica), Crc32c.hex(crc32c), Crc32c.hex(piece.getCrc32C()));
        }
        return new Failures();
      } catch (HiroException e) {
        LOG.warn("{}: {} failed: {}", WorkerChannels.endpoint(replica), what, e.getMessage());
        failures.add(e);
        if (Thread.currentThread().isInterrupted()) {
          // The transfer was stopped (another piece failed): the other replicas are not tried.
          throw e;
        }
        if (e.code() == ErrorCode.DATA_LOSS && !(e instanceof CorruptOnWorkerException)) {
          // Found by this client's checks (bytes that went bad on the way, say); a worker reports what it finds.
          reportBadReplica(new PieceId(piece.getPieceId()), replica, e.getMessage());
        }
      }
    }
    return failures;
  }

  /** Why every replica of a piece failed, and which failure a person should see. */
  private static final class Failures {
    private final List<String> messages = new ArrayList<>();
    private int denied;
    private int unreachable;

    void add(HiroException e) {
      messages.add(e.getMessage());
      if (e.code() == ErrorCode.PERMISSION_DENIED) {
        denied++;
      } else if (e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.DEADLINE_EXCEEDED) {
        unreachable++;
      }
    }

    boolean isEmpty() {
      return messages.isEmpty();
    }

    /** DATA_LOSS if a replica failed otherwise; else PERMISSION_DENIED if one refused; else UNAVAILABLE. */
    HiroException toException(String what) {
      String message = String.format("%s could not be read from any of its %d replicas: %s", what,
          messages.size(), String.join("; ", messages));
      if (denied + unreachable < messages.size()) {
        return HiroException.dataLoss("%s", message);
      }
      if (denied > 0) {
        return new HiroException(ErrorCode.PERMISSION_DENIED, message);
      }
      return HiroException.unavailable("%s; try again when the workers are back", message);
    }
  }

  private void reportBadReplica(PieceId id, WorkerRef replica, String reason) {
    try {
      master.reportBadReplica(ReportBadReplicaRequest.newBuilder().setPieceId(id.value())
          .setWorkerId(replica.getWorkerId()).setReason(reason).build());
    } catch (RuntimeException e) {
      LOG.warn("{}: could not report bad replica of piece {} on {}: {}", master.endpoint(), id,
          replica.getWorkerId(), e.getMessage());
    }
  }
}
