package io.hiro.client.core;

import com.google.protobuf.ByteString;
import io.hiro.client.PieceInfo;
import io.hiro.client.ProgressListener;
import io.hiro.client.PutOptions;
import io.hiro.client.PutResult;
import io.hiro.client.ReplicaLocation;
import io.hiro.client.core.FileDigest.Hashed;
import io.hiro.client.core.PieceUploader.StoredPiece;
import io.hiro.client.rpc.MasterCalls;
import io.hiro.client.rpc.Protos;
import io.hiro.client.rpc.WorkerChannels;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.HiroPath;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.proto.CommitFileRequest;
import io.hiro.proto.CommitFileResponse;
import io.hiro.proto.CommittedPiece;
import io.hiro.proto.CreateFileRequest;
import io.hiro.proto.CreateFileResponse;
import io.hiro.proto.PieceRef;
import io.hiro.proto.WorkerRef;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a local file: CreateFile at the master, each piece streamed to its chain (at most
 * {@link #PIECES_IN_FLIGHT_MAX} at once), the whole-file SHA-256 computed by a parallel sequential
 * pass (a small file's from its bytes read whole, {@link #HASHED_FIRST_BYTES_MAX}), then CommitFile.
 * Invariants: an upload that fails after CreateFile is aborted (best effort); a file whose size or
 * time changed while it was read is never committed, nor one whose pieces do not match its SHA-256.
 */
public final class Uploader {
  private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);
  /** Pieces streamed at once; each holds one message buffer. */
  public static final int PIECES_IN_FLIGHT_MAX = 4;
  /**
   * Files up to this size are read whole once and hashed before their pieces are sent, on the
   * caller's thread: for a small file the hash takes microseconds, less than handing it to another
   * thread, and the pieces are sent from the bytes that were hashed, without reading the file again.
   */
  static final long HASHED_FIRST_BYTES_MAX = 1 << 20;

  private final MasterCalls master;
  private final WorkerChannels workers;

  public Uploader(MasterCalls master, WorkerChannels workers) {
    this.master = master;
    this.workers = workers;
  }

  public PutResult put(Path local, String remotePath, PutOptions options) {
    return put(local, remotePath, options, ProgressListener.NONE);
  }

  /** As {@link #put(Path, String, PutOptions)}, telling {@code listener} of the bytes sent as they go. */
  public PutResult put(Path local, String remotePath, PutOptions options, ProgressListener listener) {
    HiroPath path = HiroPath.parse(remotePath);
    if (path.isRoot()) {
      throw HiroException.invalid("cannot put a file at '/'; give a file path such as /%s", local.getFileName());
    }
    String remote = path.toString();
    BasicFileAttributes before = localFile(local);
    try (FileChannel file = FileChannel.open(local, StandardOpenOption.READ)) {
      long sizeBytes = before.size();
      FileTime modified = before.lastModifiedTime();
      CreateFileResponse upload = master.createFile(CreateFileRequest.newBuilder()
          .setPath(remote).setSizeBytes(sizeBytes).setReplication(options.replication())
          .setPieceSizeBytes(options.pieceSizeBytes()).setOverwrite(options.overwrite()).build());
      try {
        return upload(remote, local, file, sizeBytes, modified, upload, listener);
      } catch (Throwable e) {
        abort(remote, upload.getUploadId());
        throw e;
      }
    } catch (NoSuchFileException e) {
      throw HiroException.notFound("local file %s does not exist", local);
    } catch (AccessDeniedException e) {
      throw HiroException.invalid("local file %s cannot be read: permission denied", local);
    } catch (IOException e) {
      throw new HiroException(ErrorCode.UNAVAILABLE, "cannot read local file " + local + ": " + e, e);
    }
  }

  /**
   * The local file's size and modification time, read with one {@code stat}, or a clear error if it
   * is missing, a directory or not a regular file. Whether it can be read, opening it tells.
   */
  private static BasicFileAttributes localFile(Path local) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(local, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw HiroException.notFound("local file %s does not exist; check the path", local);
    } catch (AccessDeniedException e) {
      throw HiroException.invalid("local file %s cannot be read: permission denied", local);
    } catch (IOException e) {
      if (!Files.exists(local)) { // a file on the way (ENOTDIR) or a loop of links (ELOOP)
        throw HiroException.notFound("local file %s does not exist; check the path", local);
      }
      throw new HiroException(ErrorCode.UNAVAILABLE, "cannot read local file " + local + ": " + e, e);
    }
    if (attributes.isDirectory()) {
      throw HiroException.invalid("local path %s is a directory; put takes a file", local);
    }
    if (!attributes.isRegularFile()) {
      throw HiroException.invalid("local file %s is not a regular file", local);
    }
    return attributes;
  }

  /** Whether the file at {@code local} still has the size and modification time it had when the put began. */
  private static boolean unchanged(Path local, long sizeBytes, FileTime modified) throws IOException {
    BasicFileAttributes now = Files.readAttributes(local, BasicFileAttributes.class);
    return now.size() == sizeBytes && now.lastModifiedTime().equals(modified);
  }

  private PutResult upload(String path, Path local, FileChannel file, long sizeBytes, FileTime modified,
                           CreateFileResponse upload, ProgressListener listener) throws IOException {
    UploadPlan.check(master.endpoint(), path, sizeBytes, upload);
    boolean hashFirst = sizeBytes <= HASHED_FIRST_BYTES_MAX;
    ExecutorService executor = hashFirst ? null : Executors.newVirtualThreadPerTaskExecutor();
    try {
      long pieceSize = upload.getPieceSizeBytes();
      LocalBytes bytes;
      Future<Hashed> hash;
      if (hashFirst) {
        byte[] content = readWhole(local, file, sizeBytes);
        bytes = LocalBytes.of(content, (int) sizeBytes);
        hash = CompletableFuture.completedFuture(FileDigest.sha256(content, (int) sizeBytes));
      } else {
        bytes = LocalBytes.of(local, file);
        hash = executor.submit(() -> digest(local, file, sizeBytes, pieceSize));
      }
      PieceUploader pieces = new PieceUploader(master, workers, upload, path, bytes,
          new TransferProgress(listener, sizeBytes, upload.getPiecesCount()));
      List<StoredPiece> stored = storeAll(pieces, upload.getPiecesList());
      Hashed hashed = hashed(hash);
      // A file read whole was sent from the bytes it was hashed from; one read twice is checked piece by piece.
      if (!unchanged(local, sizeBytes, modified) || (!hashFirst && !sentAsHashed(stored, hashed))) {
        throw LocalFileException.changed(local);
      }
      CommitFileResponse committed = master.commitFile(commitRequest(upload.getUploadId(), stored, hashed.sha256()));
      return result(committed.getFile().getPath().isEmpty() ? path : committed.getFile().getPath(), sizeBytes,
          upload.getReplication(), stored);
    } finally {
      if (executor != null) {
        executor.shutdownNow();
      }
    }
  }

  private static Hashed digest(Path local, FileChannel file, long sizeBytes, long pieceSize) throws IOException {
    long[] counted = new long[1];
    Hashed hashed = FileDigest.sha256(file, sizeBytes, pieceSize, counted);
    if (counted[0] != sizeBytes) {
      throw LocalFileException.changed(local);
    }
    return hashed;
  }

  /**
   * Whether each piece was sent with the bytes the hash was taken of: a file hashed in a pass of its
   * own is read twice, and one rewritten in place in between (its size and time kept, as {@code
   * rsync --inplace} or a coarse clock leave them) would be committed with a SHA-256 its pieces do
   * not match, and then fail every read.
   */
  private static boolean sentAsHashed(List<StoredPiece> stored, Hashed hashed) {
    for (StoredPiece piece : stored) {
      if (piece.crc32c() != hashed.pieceCrc32cs()[(int) piece.piece().getIndex()]) {
        return false;
      }
    }
    return true;
  }

  /** A small file's bytes, read whole once: its hash and its pieces are taken from them. */
  private static byte[] readWhole(Path local, FileChannel file, long sizeBytes) throws IOException {
    long[] counted = new long[1];
    byte[] content = FileDigest.readWhole(file, sizeBytes, counted);
    if (counted[0] != sizeBytes) {
      throw LocalFileException.changed(local);
    }
    return content;
  }

  /** Stores every piece, at most {@link #PIECES_IN_FLIGHT_MAX} at once; the first failure stops the rest. */
  private static List<StoredPiece> storeAll(PieceUploader uploader, List<PieceRef> pieces) {
    StoredPiece[] stored = new StoredPiece[pieces.size()];
    BoundedParallel.run(pieces.size(), PIECES_IN_FLIGHT_MAX, index -> stored[index] = uploader.store(pieces.get(index)));
    return List.of(stored);
  }

  /** The file's hash, once {@code hash} is done; a failed read of the local file is UNAVAILABLE. */
  private static Hashed hashed(Future<Hashed> hash) {
    try {
      return BoundedParallel.await(hash, "hashing the local file");
    } catch (IOException e) {
      throw new HiroException(ErrorCode.UNAVAILABLE, "cannot read the local file: " + e, e);
    }
  }

  private static CommitFileRequest commitRequest(long uploadId, List<StoredPiece> stored, byte[] sha256) {
    CommitFileRequest.Builder request = CommitFileRequest.newBuilder().setUploadId(uploadId)
        .setSha256(ByteString.copyFrom(sha256));
    for (StoredPiece piece : stored) {
      request.addPieces(CommittedPiece.newBuilder().setIndex(piece.piece().getIndex())
          .setPieceId(piece.piece().getPieceId()).setLength(piece.piece().getLength()).setCrc32C(piece.crc32c())
          .addAllWorkerIds(piece.workerIds()));
    }
    return request.build();
  }

  private static PutResult result(String path, long sizeBytes, int replication, List<StoredPiece> stored) {
    List<PieceInfo> pieces = new ArrayList<>();
    boolean underReplicated = false;
    for (StoredPiece piece : stored) {
      List<ReplicaLocation> holders = new ArrayList<>(piece.workerIds().size());
      for (String id : piece.workerIds()) {
        holders.add(holder(piece.piece(), id));
      }
      PieceRef ref = piece.piece();
      pieces.add(new PieceInfo(new PieceId(ref.getPieceId()), ref.getIndex(), ref.getOffset(), ref.getLength(),
          piece.crc32c(), holders));
      underReplicated |= piece.workerIds().size() < replication;
    }
    return new PutResult(path, sizeBytes, replication, pieces, underReplicated);
  }

  /** The worker {@code id} of the piece's chain, with its address; only the id if it was not in the chain. */
  private static ReplicaLocation holder(PieceRef piece, String id) {
    for (WorkerRef worker : piece.getReplicasList()) {
      if (worker.getWorkerId().equals(id)) {
        return Protos.replica(worker);
      }
    }
    return new ReplicaLocation(new WorkerId(id), "");
  }

  private void abort(String path, long uploadId) {
    try {
      master.abortUpload(uploadId);
    } catch (RuntimeException e) {
      LOG.warn("{}: could not abort the upload of {} ({}); the master will collect it when it expires",
          master.endpoint(), path, e.getMessage());
    }
  }
}
