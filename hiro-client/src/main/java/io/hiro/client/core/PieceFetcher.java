package io.hiro.client.core;

import io.hiro.client.rpc.MasterCalls;
import io.hiro.client.rpc.PieceReadCall;
import io.hiro.client.rpc.PieceReadCall.PieceSink;
import io.hiro.client.rpc.WorkerChannels;
import io.hiro.common.Crc32c;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.proto.PieceRef;
import io.hiro.proto.ReportBadReplicaRequest;
import io.hiro.proto.WorkerRef;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one piece from the first replica that gives all its bytes with the right checksums,
 * trying the replicas best first. A replica failing a checksum is reported to the master.
 * Errors thrown by the sink (the local side) are not replica failures and end the read at once.
 */
final class PieceFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(PieceFetcher.class);

  private final MasterCalls master;
  private final WorkerChannels workers;

  PieceFetcher(MasterCalls master, WorkerChannels workers) {
    this.master = master;
    this.workers = workers;
  }

  void fetch(String path, PieceRef piece, PieceSink sink) {
    PieceId id = new PieceId(piece.getPieceId());
    String what = String.format("piece %d (%s) of %s", piece.getIndex(), id, path);
    if (piece.getReplicasCount() == 0) {
      throw HiroException.dataLoss("%s has no replica left; the file cannot be read", what);
    }
    List<String> failures = new ArrayList<>();
    boolean onlyUnreachable = true;
    for (WorkerRef replica : piece.getReplicasList()) {
      try {
        int crc32c = PieceReadCall.read(workers.channel(replica), replica, piece, sink);
        if (crc32c != piece.getCrc32C()) {
          throw HiroException.dataLoss("%s from %s has CRC32C %s, expected %s", what,
              WorkerChannels.endpoint(replica), Crc32c.hex(crc32c), Crc32c.hex(piece.getCrc32C()));
        }
        return;
      } catch (HiroException e) {
        LOG.warn("{}: {} failed: {}", WorkerChannels.endpoint(replica), what, e.getMessage());
        failures.add(e.getMessage());
        if (e.code() == ErrorCode.DATA_LOSS) {
          reportBadReplica(id, replica, e.getMessage());
        }
        onlyUnreachable &= e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.DEADLINE_EXCEEDED;
      }
    }
    String message = String.format("%s could not be read from any of its %d replicas: %s", what,
        piece.getReplicasCount(), String.join("; ", failures));
    if (onlyUnreachable) {
      throw HiroException.unavailable("%s; try again when the workers are back", message);
    }
    throw HiroException.dataLoss("%s", message);
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
