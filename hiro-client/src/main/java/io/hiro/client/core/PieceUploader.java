package io.hiro.client.core;

import io.hiro.client.rpc.MasterCalls;
import io.hiro.client.rpc.PieceWriteCall;
import io.hiro.client.rpc.WorkerChannels;
import io.hiro.common.Crc32c;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.proto.AllocateChainRequest;
import io.hiro.proto.CreateFileResponse;
import io.hiro.proto.PieceRef;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WritePieceHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores one piece of an upload on its chain. If the primary fails, it asks the master for a new
 * chain without the failed primaries and sends the piece again, at most {@link #PIECE_ATTEMPTS_MAX}
 * times. A piece confirmed by fewer than the upload's min-replicas workers fails the put.
 */
final class PieceUploader {
  private static final Logger LOG = LoggerFactory.getLogger(PieceUploader.class);
  /** Chains tried for one piece before the put fails. */
  static final int PIECE_ATTEMPTS_MAX = 3;
  /** Errors from a primary that a different chain cannot fix. */
  private static final Set<ErrorCode> FINAL_ERRORS =
      Set.of(ErrorCode.INVALID_ARGUMENT, ErrorCode.NOT_FOUND, ErrorCode.ALREADY_EXISTS, ErrorCode.PERMISSION_DENIED);

  /** A piece stored on enough workers: the chain it went to, its CRC32C and the workers that confirmed it. */
  record StoredPiece(PieceRef piece, int crc32c, List<String> workerIds) {}

  private final MasterCalls master;
  private final WorkerChannels workers;
  private final CreateFileResponse upload;
  private final String path;
  private final LocalBytes bytes;
  private final TransferProgress progress;

  PieceUploader(MasterCalls master, WorkerChannels workers, CreateFileResponse upload, String path, LocalBytes bytes,
                TransferProgress progress) {
    this.progress = progress;
    this.master = master;
    this.workers = workers;
    this.upload = upload;
    this.path = path;
    this.bytes = bytes;
  }

  StoredPiece store(PieceRef allocated) {
    PieceRef piece = allocated;
    List<String> excluded = new ArrayList<>();
    HiroException last = null;
    for (int attempt = 1; attempt <= PIECE_ATTEMPTS_MAX; attempt++) {
      if (attempt > 1) {
        piece = master.allocateChain(AllocateChainRequest.newBuilder().setUploadId(upload.getUploadId())
            .setIndex(allocated.getIndex()).addAllExcludeWorkerIds(excluded).build()).getPiece();
      }
      if (piece.getReplicasCount() == 0) {
        throw HiroException.unavailable("%s has no live worker for piece %d of %s; start a worker and put again",
            master.endpoint(), allocated.getIndex(), path);
      }
      WorkerRef primary = piece.getReplicas(0);
      StoredPiece stored;
      try {
        stored = send(piece, primary);
      } catch (LocalFileException e) {
        throw e;
      } catch (HiroException e) {
        if (FINAL_ERRORS.contains(e.code())) {
          throw e;
        }
        LOG.warn("{}: piece {} of {} failed on primary {} (attempt {} of {}): {}", master.endpoint(),
            piece.getIndex(), path, WorkerChannels.endpoint(primary), attempt, PIECE_ATTEMPTS_MAX, e.getMessage());
        last = e;
        excluded.add(primary.getWorkerId());
        continue;
      }
      // Too few confirmations is not the primary's fault: another chain would meet the same cluster.
      return checkConfirmed(piece, stored);
    }
    throw new HiroException(ErrorCode.UNAVAILABLE, String.format(
        "piece %d of %s could not be stored after %d chains (last: %s); check the workers with 'hiro admin report'",
        allocated.getIndex(), path, PIECE_ATTEMPTS_MAX, last.getMessage()), last);
  }

  private StoredPiece send(PieceRef piece, WorkerRef primary) {
    WritePieceHeader header = WritePieceHeader.newBuilder()
        .setPieceId(piece.getPieceId())
        .setLength(piece.getLength())
        .addAllDownstream(piece.getReplicasList().subList(1, piece.getReplicasCount()))
        .setToken(piece.getToken())
        .setFileId(upload.getFileId())
        .setIndex(piece.getIndex())
        .setVersion(upload.getVersion())
        .setPath(path)
        .build();
    PieceWriteCall.Result result = PieceWriteCall.write(workers.channel(primary), primary, header,
        (offsetInPiece, into) -> {
          int length = into.remaining();
          bytes.read(piece.getOffset() + offsetInPiece, into);
          progress.reached((int) piece.getIndex(), offsetInPiece + length);
        });
    if (result.response().getCrc32C() != result.crc32c()) {
      throw HiroException.dataLoss("%s stored piece %s with CRC32C %s but %s was sent",
          WorkerChannels.endpoint(primary), new PieceId(piece.getPieceId()), Crc32c.hex(result.response().getCrc32C()),
          Crc32c.hex(result.crc32c()));
    }
    return new StoredPiece(piece, result.crc32c(), List.copyOf(result.response().getStoredWorkerIdsList()));
  }

  private StoredPiece checkConfirmed(PieceRef piece, StoredPiece stored) {
    int needed = Math.max(1, upload.getMinReplicas());
    if (stored.workerIds().size() < needed) {
      throw new HiroException(ErrorCode.UNAVAILABLE, String.format(
          "piece %d of %s was stored on %d worker(s) %s but at least %d are needed; start more workers or "
              + "lower --replication, then put again",
          piece.getIndex(), path, stored.workerIds().size(), stored.workerIds(), needed));
    }
    LOG.debug("{}: piece {} ({} of {}) stored on {}", master.endpoint(), new PieceId(piece.getPieceId()),
        piece.getIndex(), path, stored.workerIds());
    return stored;
  }
}
