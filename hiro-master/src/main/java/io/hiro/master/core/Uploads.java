package io.hiro.master.core;

import io.hiro.common.Checks;
import io.hiro.common.FileId;
import io.hiro.common.HiroException;
import io.hiro.common.HiroPath;
import io.hiro.common.Limits;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads: CreateFile opens one (pieces and chains chosen here, from live workers), AllocateChain
 * replaces a failed chain, CommitFile makes it the file at its path, AbortUpload forgets it.
 * Decisions that need the clock, randomness or live workers are made here, before the
 * {@link Operation} is built; {@link MasterState} then applies it deterministically.
 */
public final class Uploads {
  private static final Logger LOG = LoggerFactory.getLogger(Uploads.class);
  private static final int SHA256_BYTES = 32;
  private final Core core;

  Uploads(Core core) {
    this.core = core;
  }

  /** Opens an upload. {@code replication} and {@code pieceSizeBytes} of 0 mean the master's defaults. */
  public UploadView createFile(HiroPath path, long sizeBytes, int replication, long pieceSizeBytes, boolean overwrite) {
    return createFile(path, sizeBytes, replication, pieceSizeBytes, overwrite, Integer.MAX_VALUE,
        open -> Optional.of(core.writeDurableLater(open))).orElseThrow();
  }

  /**
   * As {@link #createFile}, for a caller that must not block (a network thread): empty, having
   * opened nothing, when the state's lock is taken ({@link Core#writeDurableLaterIfReady}) or the
   * upload would have more than {@link Master#PIECES_READY_MAX} pieces to sign write tokens for.
   */
  public Optional<UploadView> createFileIfReady(HiroPath path, long sizeBytes, int replication, long pieceSizeBytes,
      boolean overwrite) {
    return createFile(path, sizeBytes, replication, pieceSizeBytes, overwrite, Master.PIECES_READY_MAX,
        core::writeDurableLaterIfReady);
  }

  private Optional<UploadView> createFile(HiroPath path, long sizeBytes, int replication, long pieceSizeBytes,
      boolean overwrite, int piecesMax, Function<Supplier<UploadView>, Optional<UploadView>> write) {
    int wanted = replication == 0 ? core.config.defaultReplication() : replication;
    long pieceSize = pieceSizeBytes == 0 ? core.config.defaultPieceSizeBytes() : pieceSizeBytes;
    checkShape(path, sizeBytes, wanted, pieceSize);
    if (FileNode.pieceCount(sizeBytes, pieceSize) > piecesMax) {
      return Optional.empty();
    }
    Optional<UploadView> view = write.apply(() -> open(path, sizeBytes, wanted, pieceSize, overwrite));
    if (LOG.isDebugEnabled()) { // once per put: the id's formatting took ~1% of the master's network thread
      view.ifPresent(v -> LOG.debug("master: upload {} of {} opened: {} pieces, replication {} (granted {})",
          String.format("%016x", v.uploadId()), path, v.pieces().size(), wanted, v.replicationGranted()));
    }
    return view;
  }

  private static void checkShape(HiroPath path, long sizeBytes, int replication, long pieceSizeBytes) {
    Checks.require(sizeBytes >= 0 && sizeBytes <= Limits.FILE_SIZE_MAX_BYTES,
        "size %d bytes of %s is not between 0 and %d", sizeBytes, path, Limits.FILE_SIZE_MAX_BYTES);
    Checks.require(replication >= 1 && replication <= Limits.REPLICATION_MAX,
        "replication %d for %s is not between 1 and %d", replication, path, Limits.REPLICATION_MAX);
    Checks.require(pieceSizeBytes >= Limits.PIECE_SIZE_MIN_BYTES && pieceSizeBytes <= Limits.PIECE_SIZE_MAX_BYTES,
        "piece size %d bytes for %s is not between %d (64KiB) and %d (1GiB)",
        pieceSizeBytes, path, Limits.PIECE_SIZE_MIN_BYTES, Limits.PIECE_SIZE_MAX_BYTES);
    long pieces = FileNode.pieceCount(sizeBytes, pieceSizeBytes);
    Checks.require(pieces <= Limits.PIECES_PER_FILE_MAX,
        "%s would have %d pieces, more than %d; use a larger piece size", path, pieces, Limits.PIECES_PER_FILE_MAX);
  }

  private UploadView open(HiroPath path, long sizeBytes, int wanted, long pieceSize, boolean overwrite) {
    core.state.checkFilePath(path, overwrite);
    long now = core.nowMillis();
    int live = core.cluster.liveWorkerCount(now);
    if (live == 0) {
      throw HiroException.unavailable(Cluster.NO_LIVE_WORKER);
    }
    int granted = Math.min(wanted, live);
    int minReplicas = minReplicas(wanted, live, path);
    int pieceCount = (int) FileNode.pieceCount(sizeBytes, pieceSize);
    long[] pieceIds = new long[pieceCount];
    List<List<WorkerId>> chains = new ArrayList<>(pieceCount);
    Map<WorkerId, Long> promisedHere = new HashMap<>();
    Set<Long> taken = new HashSet<>();
    long uploadId = core.freshUploadId();
    for (int i = 0; i < pieceCount; i++) {
      long length = FileNode.pieceLength(sizeBytes, pieceSize, i);
      List<WorkerId> chain = Placement.chain(core.cluster.candidates(now, length,
          w -> core.state.promisedBytes(w) + promisedHere.getOrDefault(w, 0L)), granted, Set.of(),
          primaryTurn(uploadId, i));
      chain.forEach(w -> promisedHere.merge(w, length, Long::sum));
      pieceIds[i] = core.freshPieceId(taken);
      taken.add(pieceIds[i]);
      chains.add(chain);
      granted = Math.min(granted, chain.size());
    }
    Node existing = core.state.namespace().lookup(path);
    FileId fileId = existing instanceof FileNode file ? new FileId(file.fileId) : new FileId(core.random.nextLong());
    long version = existing instanceof FileNode file ? file.version + 1 : 1;
    core.apply(new Operation.StartUpload(uploadId, path, fileId, version, sizeBytes, wanted, pieceSize, overwrite,
        minReplicas, now, pieceIds, chains));
    List<PieceView> pieces = new ArrayList<>(pieceCount);
    for (int i = 0; i < pieceCount; i++) {
      pieces.add(chainView(pieceIds[i], i, pieceSize, FileNode.pieceLength(sizeBytes, pieceSize, i), chains.get(i),
          now + core.config.uploadExpiryMillis()));
    }
    return new UploadView(uploadId, fileId, version, wanted, granted, pieceSize, minReplicas, pieces);
  }

  /**
   * Which worker of piece {@code index}'s chain is its primary ({@link Placement}): the pieces of one
   * upload take turns, from a start its (random) id gives, so that one file's pieces, and small files
   * of one piece each, do not all go first to the same worker.
   */
  static int primaryTurn(long uploadId, int index) {
    // 30 bits of the id: adding an index (below Limits.PIECES_PER_FILE_MAX) never wraps, so
    // consecutive pieces always take consecutive turns.
    return (int) ((uploadId ^ (uploadId >>> 32)) & 0x3fff_ffff) + index;
  }

  /** min-replicas: the configured value, or 2 where two workers are live, else 1; never above the file's replication. */
  private int minReplicas(int wanted, int live, HiroPath path) {
    int configured = core.config.minReplicas();
    int min = Math.min(wanted, configured > 0 ? configured : (live >= 2 ? 2 : 1));
    if (min > live) {
      throw HiroException.unavailable("%s needs %d replicas per piece (min-replicas) but only %d workers are live; "
          + "start more workers or lower --min-replicas", path, min, live);
    }
    return min;
  }

  /** A new chain for one piece of an open upload, avoiding the workers named (e.g. a failed primary). */
  public PieceView allocateChain(long uploadId, int index, Set<WorkerId> excluded) {
    return core.write(() -> {
      Upload upload = core.state.upload(uploadId);
      Checks.require(index >= 0 && index < upload.pieceIds.length,
          "piece index %d is outside upload %016x of %s (%d pieces)", index, uploadId, upload.path,
          upload.pieceIds.length);
      long length = upload.pieceLength(index);
      List<WorkerId> old = upload.chains.get(index);
      // The piece's own promise on its old chain should not count against it.
      List<WorkerId> chain = Placement.chain(core.cluster.candidates(core.nowMillis(), length,
              w -> core.state.promisedBytes(w) - (old.contains(w) ? length : 0)),
          upload.replication, excluded, primaryTurn(uploadId, index));
      if (chain.isEmpty()) {
        throw HiroException.unavailable("no live worker left for piece %d of %s outside %s; start another worker",
            index, upload.path, excluded);
      }
      core.apply(new Operation.ReassignChain(uploadId, index, chain));
      LOG.debug("master: upload {} piece {} reassigned to {}", String.format("%016x", uploadId), index, chain);
      return chainView(upload.pieceIds[index], index, upload.pieceSizeBytes, length, chain,
          upload.createdMillis + core.config.uploadExpiryMillis());
    });
  }

  /** Makes the upload visible at its path; the old version's pieces are deleted later. */
  public FileView commitFile(long uploadId, List<PieceCommit> pieces, byte[] sha256) {
    FileView file = core.write(() -> commit(uploadId, pieces, sha256));
    LOG.debug("master: {} committed, version {}, {} bytes", file.path(), file.version(), file.sizeBytes());
    return file;
  }

  /**
   * As {@link #commitFile}, for a caller that must not block (a network thread): false, having done
   * nothing, if the state's lock is taken or the commit lists more than {@link Master#PIECES_READY_MAX}
   * pieces (checking and journaling each would hold the thread and the lock, as CreateFile's tokens
   * would); else true, and {@code then} gets the committed file once it is durable, or the failure
   * ({@link Core#writeIfReady}).
   */
  public boolean commitFileIfReady(long uploadId, List<PieceCommit> pieces, byte[] sha256,
      BiConsumer<FileView, RuntimeException> then) {
    return pieces.size() <= Master.PIECES_READY_MAX && core.writeIfReady(() -> commit(uploadId, pieces, sha256), then);
  }

  /** The commit itself; caller holds the write lock. */
  private FileView commit(long uploadId, List<PieceCommit> pieces, byte[] sha256) {
    Upload upload = core.state.upload(uploadId);
    Checks.require(sha256 != null && sha256.length == SHA256_BYTES,
        "sha256 of %s must be %d bytes, got %d", upload.path, SHA256_BYTES, sha256 == null ? 0 : sha256.length);
    int[] crcs = checkPieces(upload, pieces);
    long now = core.nowMillis();
    core.apply(new Operation.CommitUpload(uploadId, crcs, sha256, now));
    for (PieceCommit piece : pieces) {
      // Its replicas may all be known already: the monitor must look at the new file's pieces anyway.
      core.cluster.changed.mark(piece.id().value());
      for (WorkerId worker : piece.workers()) {
        if (core.cluster.worker(worker) != null) {
          core.cluster.replicas.add(piece.id().value(), worker);
        }
      }
    }
    return Master.fileView(core, upload.path, core.state.namespace().lookup(upload.path), false);
  }

  /** Checks the client's account of every piece against the upload; returns the CRCs in piece order. */
  private int[] checkPieces(Upload upload, List<PieceCommit> pieces) {
    int count = upload.pieceIds.length;
    Checks.require(pieces.size() == count, "commit of %s lists %d pieces; the upload has %d",
        upload.path, pieces.size(), count);
    int[] crcs = new int[count];
    boolean[] seen = new boolean[count];
    long now = core.nowMillis();
    for (PieceCommit piece : pieces) {
      int i = piece.index();
      Checks.require(i >= 0 && i < count && !seen[i], "commit of %s lists piece index %d twice or out of range",
          upload.path, i);
      seen[i] = true;
      Checks.require(piece.id().value() == upload.pieceIds[i], "piece %d of %s is %s, not %s",
          i, upload.path, new PieceId(upload.pieceIds[i]), piece.id());
      Checks.require(piece.lengthBytes() == upload.pieceLength(i), "piece %d (%s) of %s is %d bytes; expected %d",
          i, piece.id(), upload.path, piece.lengthBytes(), upload.pieceLength(i));
      int confirmed = confirmedReplicas(piece, now);
      if (confirmed < upload.minReplicas) {
        throw HiroException.unavailable("piece %d (%s) of %s has %d live replicas; at least %d are needed "
            + "(min-replicas); retry the put, or start more workers", i, piece.id(), upload.path, confirmed,
            upload.minReplicas);
      }
      crcs[i] = piece.crc32c();
    }
    return crcs;
  }

  /** Live workers that the client says confirmed the piece or that reported it themselves. */
  private int confirmedReplicas(PieceCommit piece, long now) {
    Set<WorkerId> holders = new HashSet<>(core.cluster.replicas.holders(piece.id().value()));
    holders.addAll(piece.workers());
    int live = 0;
    for (WorkerId holder : holders) {
      if (core.cluster.isLive(holder, now)) {
        live++;
      }
    }
    return live;
  }

  public void abortUpload(long uploadId) {
    core.write(() -> core.apply(new Operation.AbortUpload(uploadId, "aborted by the client")));
    LOG.debug("master: upload {} aborted", String.format("%016x", uploadId));
  }

  /** A piece of an upload with its chain and a WRITE token valid until the upload expires. */
  private PieceView chainView(long pieceId, int index, long pieceSize, long length, List<WorkerId> chain,
      long uploadExpiresMillis) {
    List<WorkerAddress> links = new ArrayList<>(chain.size());
    for (WorkerId worker : chain) {
      links.add(new WorkerAddress(worker, core.cluster.worker(worker).address));
    }
    return new PieceView(new PieceId(pieceId), index, index * pieceSize, length, 0, links,
        core.tokens.write(pieceId, uploadExpiresMillis));
  }
}
