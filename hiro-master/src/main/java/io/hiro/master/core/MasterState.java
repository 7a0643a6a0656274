package io.hiro.master.core;

import io.hiro.common.Checks;
import io.hiro.common.HiroException;
import io.hiro.common.HiroPath;
import io.hiro.common.Limits;
import io.hiro.common.WorkerId;
import io.hiro.master.store.CheckpointReader;
import io.hiro.master.store.CheckpointWriter;
import io.hiro.master.store.OperationCodec;
import io.hiro.proto.CheckpointEntry;
import io.hiro.proto.CheckpointFile;
import io.hiro.proto.JournalUpload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The master's journaled state: the namespace, the open uploads, which file or upload owns
 * each piece, and the workers that ever registered (safe mode waits for them after a restart). It changes only through {@link #apply(Operation)}, which is deterministic (no clock,
 * no randomness, no knowledge of live workers) and validates before it changes anything: a
 * rejected operation throws {@link HiroException} and leaves the state as it was.
 *
 * <p>Invariants: every piece id of a committed file or an open upload is in {@code pieceOwners},
 * mapped to that file node or upload, and to nothing else; {@code promisedBytes} is the sum of the
 * lengths of open uploads' pieces per chain worker. Not thread-safe: {@link Master} holds the lock.
 */
public final class MasterState {
  /** Open uploads at once; each holds pieces and promised bytes until it commits or expires. */
  static final int UPLOADS_OPEN_MAX = 100_000;

  private final Namespace namespace = new Namespace();
  private final Map<Long, Upload> uploads = new LinkedHashMap<>();
  private final LongMap<Object> pieceOwners = new LongMap<>();
  private final Map<WorkerId, Long> promisedBytes = new HashMap<>();
  private final Set<WorkerId> knownWorkers = new TreeSet<>();

  /** A piece whose replicas are no longer wanted, with the chain it was written to (empty if committed). */
  public record DroppedPiece(long pieceId, List<WorkerId> chain) {}

  /** What an operation did that the caller acts on outside the journaled state. */
  public record Applied(List<DroppedPiece> dropped, long filesDeleted) {
    static final Applied NOTHING = new Applied(List.of(), 0);
  }

  public Applied apply(Operation operation) {
    return switch (operation) {
      case Operation.StartUpload start -> startUpload(start);
      case Operation.ReassignChain reassign -> reassignChain(reassign);
      case Operation.CommitUpload commit -> commitUpload(commit);
      case Operation.AbortUpload abort -> abortUpload(abort);
      case Operation.Mkdir mkdir -> mkdir(mkdir);
      case Operation.Delete delete -> delete(delete);
      case Operation.Move move -> move(move);
      case Operation.WorkerJoined joined -> {
        knownWorkers.add(joined.workerId());
        yield Applied.NOTHING;
      }
    };
  }

  // ---- validation shared by the operations and by Master before it builds them ----

  /** Checks that a file could be created (or replaced) at {@code path} now. */
  void checkFilePath(HiroPath path, boolean overwrite) {
    Checks.require(!path.isRoot(), "'/' is the root directory; give a file path such as /photos/a.jpg");
    HiroPath blocking = namespace.fileAncestor(path);
    if (blocking != null) {
      throw HiroException.precondition("cannot create %s: %s is a file, not a directory", path, blocking);
    }
    Node existing = namespace.lookup(path);
    if (existing instanceof DirectoryNode) {
      throw HiroException.exists("%s is a directory; choose a file name inside it, e.g. %s", path,
          path.toString() + "/name");
    }
    if (existing instanceof FileNode && !overwrite) {
      throw HiroException.exists("%s already exists; pass --overwrite to replace it", path);
    }
    if (existing == null) {
      checkRoomFor(path);
    }
  }

  /**
   * Checks that every path below {@code source} stays within {@link Limits#PATH_LENGTH_MAX} and
   * {@link Limits#PATH_DEPTH_MAX} once it is moved to {@code destination}: a path past them could
   * not be read back from a checkpoint. Walks the tree below only when the move makes paths longer
   * or deeper. Checked where a move is asked for, not in {@link #apply}, so that a journal written
   * before this check still replays.
   */
  void checkMoveKeepsPathsWithinLimits(HiroPath source, HiroPath destination) {
    int longer = destination.toString().length() - source.toString().length();
    int deeper = destination.depth() - source.depth();
    if ((longer <= 0 && deeper <= 0) || !(namespace.lookup(source) instanceof DirectoryNode directory)) {
      return;
    }
    int[] extent = Namespace.extentBelow(directory);
    Checks.require(destination.toString().length() + extent[0] <= Limits.PATH_LENGTH_MAX,
        "moving %s to %s would make a path below it %d characters long; the limit is %d", source, destination,
        destination.toString().length() + extent[0], Limits.PATH_LENGTH_MAX);
    Checks.require(destination.depth() + extent[1] <= Limits.PATH_DEPTH_MAX,
        "moving %s to %s would make a path below it %d levels deep; the limit is %d", source, destination,
        destination.depth() + extent[1], Limits.PATH_DEPTH_MAX);
  }

  Upload upload(long uploadId) {
    Upload upload = uploads.get(uploadId);
    if (upload == null) {
      throw HiroException.notFound("upload %016x is not open (committed, aborted or expired); start the put again",
          uploadId);
    }
    return upload;
  }

  private void checkRoomFor(HiroPath path) {
    HiroPath existing = namespace.deepestExisting(path.parent());
    if (namespace.lookup(existing) instanceof DirectoryNode directory
        && directory.size() >= Limits.LIST_ENTRIES_MAX) {
      throw HiroException.exhausted("directory %s has %d entries, the limit; use a subdirectory",
          existing, directory.size());
    }
  }

  // ---- operations ----

  private Applied startUpload(Operation.StartUpload start) {
    checkFilePath(start.path(), start.overwrite());
    if (uploads.size() >= UPLOADS_OPEN_MAX) {
      throw HiroException.exhausted("%d uploads are open, the limit; wait for some to finish", uploads.size());
    }
    Checks.check(!uploads.containsKey(start.uploadId()), "upload id %016x reused", start.uploadId());
    Checks.check(start.pieceIds().length == start.chains().size(), "one chain per piece");
    for (long pieceId : start.pieceIds()) {
      Checks.check(!pieceOwners.containsKey(pieceId), "piece id %016x reused", pieceId);
    }
    Upload upload = new Upload(start);
    uploads.put(upload.uploadId, upload);
    for (int i = 0; i < upload.pieceIds.length; i++) {
      pieceOwners.put(upload.pieceIds[i], upload);
      promise(upload.chains.get(i), upload.pieceLength(i));
    }
    return Applied.NOTHING;
  }

  private Applied reassignChain(Operation.ReassignChain reassign) {
    Upload upload = upload(reassign.uploadId());
    Checks.require(reassign.index() >= 0 && reassign.index() < upload.pieceIds.length,
        "piece index %d is outside upload %016x's %d pieces", reassign.index(), upload.uploadId, upload.pieceIds.length);
    long length = upload.pieceLength(reassign.index());
    promise(upload.chains.get(reassign.index()), -length);
    upload.chains.set(reassign.index(), reassign.chain());
    promise(reassign.chain(), length);
    return Applied.NOTHING;
  }

  private Applied commitUpload(Operation.CommitUpload commit) {
    Upload upload = upload(commit.uploadId());
    Checks.check(commit.crcs().length == upload.pieceIds.length, "one crc per piece");
    checkFilePath(upload.path, upload.overwrite);
    Node old = namespace.lookup(upload.path);
    long version = old instanceof FileNode oldFile ? Math.max(upload.version, oldFile.version + 1) : upload.version;
    FileNode file = new FileNode(upload.fileId, upload.sizeBytes, upload.replication, upload.pieceSizeBytes, version,
        commit.modifiedMillis(), commit.sha256().clone(), upload.pieceIds, commit.crcs().clone());
    forget(upload);
    namespace.mkdirs(upload.path.parent(), commit.modifiedMillis());
    namespace.put(upload.path, file, commit.modifiedMillis());
    for (long pieceId : file.pieceIds()) {
      pieceOwners.put(pieceId, file);
    }
    List<DroppedPiece> dropped = new ArrayList<>();
    if (old instanceof FileNode oldFile) {
      dropFile(oldFile, dropped);
    }
    return new Applied(dropped, 0);
  }

  private Applied abortUpload(Operation.AbortUpload abort) {
    Upload upload = upload(abort.uploadId());
    forget(upload);
    List<DroppedPiece> dropped = new ArrayList<>();
    for (int i = 0; i < upload.pieceIds.length; i++) {
      pieceOwners.remove(upload.pieceIds[i]);
      dropped.add(new DroppedPiece(upload.pieceIds[i], upload.chains.get(i)));
    }
    return new Applied(dropped, 0);
  }

  private Applied mkdir(Operation.Mkdir mkdir) {
    HiroPath path = mkdir.path();
    Node existing = namespace.lookup(path);
    if (existing instanceof DirectoryNode) {
      if (mkdir.parents()) {
        return Applied.NOTHING;
      }
      throw HiroException.exists("directory %s already exists (use -p to accept an existing one)", path);
    }
    if (existing instanceof FileNode) {
      throw HiroException.exists("%s already exists as a file", path);
    }
    HiroPath blocking = namespace.fileAncestor(path);
    if (blocking != null) {
      throw HiroException.precondition("cannot create directory %s: %s is a file", path, blocking);
    }
    if (!mkdir.parents() && namespace.lookup(path.parent()) == null) {
      throw HiroException.notFound("parent directory %s does not exist; use -p to create parents", path.parent());
    }
    checkRoomFor(path);
    namespace.mkdirs(path, mkdir.modifiedMillis());
    return Applied.NOTHING;
  }

  private Applied delete(Operation.Delete delete) {
    HiroPath path = delete.path();
    Checks.require(!path.isRoot(), "the root directory cannot be deleted; delete its entries instead");
    Node node = namespace.lookup(path);
    if (node == null) {
      throw HiroException.notFound("%s does not exist", path);
    }
    if (node instanceof DirectoryNode directory && !directory.isEmpty() && !delete.recursive()) {
      throw HiroException.precondition("directory %s is not empty (%d entries); use -r to delete it with its contents",
          path, directory.size());
    }
    namespace.remove(path, delete.modifiedMillis());
    List<DroppedPiece> dropped = new ArrayList<>();
    long[] files = {0};
    Namespace.forEachFile(node, file -> {
      files[0]++;
      dropFile(file, dropped);
    });
    return new Applied(dropped, files[0]);
  }

  private Applied move(Operation.Move move) {
    HiroPath source = move.source();
    HiroPath destination = move.destination();
    Checks.require(!source.isRoot(), "the root directory cannot be moved");
    Checks.require(destination.equals(source) || !destination.startsWith(source),
        "cannot move %s into itself (%s)", source, destination);
    Node node = namespace.lookup(source);
    if (node == null) {
      throw HiroException.notFound("%s does not exist", source);
    }
    if (namespace.lookup(destination) != null) {
      throw HiroException.exists("%s already exists; delete it first or choose another name", destination);
    }
    Node parent = namespace.lookup(destination.parent());
    if (parent instanceof FileNode) {
      throw HiroException.precondition("cannot move to %s: %s is a file", destination, destination.parent());
    }
    if (parent == null) {
      throw HiroException.notFound("destination directory %s does not exist; create it with mkdir -p",
          destination.parent());
    }
    checkRoomFor(destination);
    namespace.remove(source, move.modifiedMillis());
    namespace.put(destination, node, move.modifiedMillis());
    return Applied.NOTHING;
  }

  // ---- helpers ----

  private void forget(Upload upload) {
    uploads.remove(upload.uploadId);
    for (int i = 0; i < upload.pieceIds.length; i++) {
      promise(upload.chains.get(i), -upload.pieceLength(i));
    }
  }

  private void dropFile(FileNode file, List<DroppedPiece> dropped) {
    for (long pieceId : file.pieceIds()) {
      pieceOwners.remove(pieceId);
      dropped.add(new DroppedPiece(pieceId, List.of()));
    }
  }

  private void promise(List<WorkerId> chain, long bytes) {
    for (WorkerId worker : chain) {
      long total = promisedBytes.getOrDefault(worker, 0L) + bytes;
      Checks.check(total >= 0, "promised bytes on %s below zero", worker);
      if (total == 0) {
        promisedBytes.remove(worker);
      } else {
        promisedBytes.put(worker, total);
      }
    }
  }

  // ---- checkpoints ----

  /**
   * Writes the state, as a checkpoint taken after the writer's journal record, into {@code checkpoint}
   * and returns what it wrote. Caller holds the lock (read is enough).
   */
  CheckpointWriter.Written writeCheckpoint(CheckpointWriter checkpoint) {
    namespace.forEachNode((path, node) -> {
      checkRestorable(path);
      if (node instanceof FileNode file) {
        checkpoint.file(path, file.modifiedMillis(), file);
      } else {
        checkpoint.directory(path, node.modifiedMillis());
      }
    });
    uploads.values().forEach(upload -> checkpoint.upload(OperationCodec.upload(upload.toStart())));
    knownWorkers.forEach(worker -> checkpoint.knownWorker(worker.value()));
    return checkpoint.finish();
  }

  /**
   * The state a checkpoint holds, read entry by entry; the invariants are rebuilt (piece owners,
   * promised bytes) and checked.
   */
  static MasterState fromCheckpoint(CheckpointReader checkpoint) {
    MasterState state = new MasterState();
    checkpoint.read(new CheckpointReader.Visitor() {
      @Override
      public void entry(CheckpointEntry entry) {
        state.restore(entry);
      }

      @Override
      public void upload(JournalUpload record) {
        Upload upload = new Upload(OperationCodec.startUpload(record));
        state.uploads.put(upload.uploadId, upload);
        for (int i = 0; i < upload.pieceIds.length; i++) {
          Checks.check(state.pieceOwners.put(upload.pieceIds[i], upload) == null, "piece id %016x owned twice",
              upload.pieceIds[i]);
          state.promise(upload.chains.get(i), upload.pieceLength(i));
        }
      }

      @Override
      public void knownWorker(String workerId) {
        state.knownWorkers.add(new WorkerId(workerId));
      }
    });
    return state;
  }

  /**
   * A checkpoint must hold only paths a start can parse again; names were checked on their way in,
   * so only the whole path's length and depth are left to check (a move of a deep tree before the
   * move checked them could pass the limits). Fails the checkpoint, which is retried; the journal
   * keeps every change meanwhile.
   */
  private static void checkRestorable(String path) {
    int depth = 0;
    for (int i = 0; i < path.length(); i++) {
      depth += path.charAt(i) == '/' ? 1 : 0;
    }
    Checks.check(path.length() <= Limits.PATH_LENGTH_MAX && (path.length() == 1 || depth <= Limits.PATH_DEPTH_MAX),
        "path %s... (%d characters, %d levels) is past the limits of %d and %d; move it higher up",
        path.substring(0, Math.min(path.length(), 200)), path.length(), depth, Limits.PATH_LENGTH_MAX,
        Limits.PATH_DEPTH_MAX);
  }

  private void restore(CheckpointEntry entry) {
    HiroPath path = HiroPath.parse(entry.getPath());
    if (!entry.hasFile()) {
      namespace.restore(path, new DirectoryNode(entry.getModifiedMillis()));
      return;
    }
    CheckpointFile f = entry.getFile();
    long[] pieceIds = new long[f.getPieceIdsCount()];
    for (int i = 0; i < pieceIds.length; i++) {
      pieceIds[i] = f.getPieceIds(i);
    }
    int[] crcs = new int[f.getCrcsCount()];
    for (int i = 0; i < crcs.length; i++) {
      crcs[i] = f.getCrcs(i);
    }
    FileNode file = new FileNode(f.getFileId(), f.getSizeBytes(), f.getReplication(), f.getPieceSizeBytes(),
        f.getVersion(), entry.getModifiedMillis(), f.getSha256().toByteArray(), pieceIds, crcs);
    namespace.restore(path, file);
    for (long pieceId : file.pieceIds()) {
      Checks.check(pieceOwners.put(pieceId, file) == null, "piece id %016x owned twice", pieceId);
    }
  }

  // ---- reads for Master (under its lock) ----

  /** Every worker that ever registered with this master (journaled). */
  Set<WorkerId> knownWorkers() {
    return knownWorkers;
  }

  Namespace namespace() {
    return namespace;
  }

  Map<Long, Upload> uploads() {
    return uploads;
  }

  /** The {@link FileNode} or {@link Upload} that owns a piece, or null if none does. */
  Object ownerOf(long pieceId) {
    return pieceOwners.get(pieceId);
  }

  LongMap<Object> pieceOwners() {
    return pieceOwners;
  }

  long promisedBytes(WorkerId worker) {
    return promisedBytes.getOrDefault(worker, 0L);
  }
}
