package io.hiro.master.core;

import io.hiro.common.FileId;
import io.hiro.common.HiroException;
import io.hiro.common.HiroPath;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.PieceTokens;
import io.hiro.master.config.MasterConfig;
import io.hiro.master.store.CheckpointWriter;
import io.hiro.master.store.MasterStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's logic, without gRPC: the namespace requests (Stat, List, Mkdir, Delete, Move),
 * bad-replica reports, the cluster report, fsck and the periodic sweep (upload expiry and the
 * {@link ReplicationMonitor}). Uploads are in {@link #uploads()},
 * worker membership in {@link #membership()}. Thread-safe: every call takes the one lock in {@link Core}.
 * Clock and randomness are handed in so tests can fake them.
 */
public final class Master {
  private static final Logger LOG = LoggerFactory.getLogger(Master.class);
  /**
   * The most pieces a stat answered on a network thread signs read tokens for (a 4 GiB file of 64 MiB
   * pieces), the most a CreateFile or a CommitFile made there has, and the most replicas a
   * ReportReplicas made there names.
   */
  public static final int PIECES_READY_MAX = 64;
  private final Core core;
  private final Uploads uploads;
  private final Membership membership;
  private final ReplicationMonitor monitor;

  /** A master whose state lives in memory only, signing tokens with a throwaway secret (tests). */
  public Master(MasterConfig config, InstantSource clock, RandomGenerator random) {
    this(config, clock, random, null);
  }

  /** A master journaling to {@code store}, signing tokens with a throwaway secret (tests of the journal). */
  public Master(MasterConfig config, InstantSource clock, RandomGenerator random, MasterStore store) {
    this(config, clock, random, store, new PieceTokens(ClusterSecret.generate(new SecureRandom()), Duration.ZERO));
  }

  /**
   * A master whose state is recovered from {@code store} and whose every change is journaled
   * there before it is acknowledged, handing out piece tokens signed by {@code tokens}. The caller
   * closes the store after the master's last use.
   */
  public Master(MasterConfig config, InstantSource clock, RandomGenerator random, MasterStore store,
      PieceTokens tokens) {
    this.core = new Core(config, clock, random, store, tokens);
    this.uploads = new Uploads(core);
    this.membership = new Membership(core);
    this.monitor = new ReplicationMonitor(core);
  }

  /**
   * The tables written into {@code sink} as a checkpoint holds them, under the state's read lock as
   * a checkpoint's are (the memory bench times it; changes wait meanwhile).
   */
  public CheckpointWriter.Written writeCheckpoint(CheckpointWriter.Sink sink) {
    return core.writeCheckpoint(sink, () -> 0);
  }

  public Uploads uploads() {
    return uploads;
  }

  public Membership membership() {
    return membership;
  }

  public FileView stat(HiroPath path, boolean withPieces) {
    return core.read(() -> fileView(core, path, existing(path), withPieces));
  }

  /**
   * As {@link #stat}, for a network thread: empty when answering would wait (see {@link
   * Core#readIfReady}) or would sign read tokens for more than {@link #PIECES_READY_MAX} pieces.
   */
  public Optional<FileView> statIfReady(HiroPath path, boolean withPieces) {
    return core.readIfReady(() -> {
      Node node = existing(path);
      if (withPieces && node instanceof FileNode file && file.pieceCount() > PIECES_READY_MAX) {
        return null;
      }
      return fileView(core, path, node, withPieces);
    });
  }

  /** The sorted entries of a directory, or the file itself. */
  public List<FileView> list(HiroPath path) {
    return core.read(() -> {
      Node node = existing(path);
      if (node instanceof FileNode) {
        return List.of(fileView(core, path, node, false));
      }
      List<FileView> entries = new ArrayList<>();
      ((DirectoryNode) node).forEach((name, child) -> entries.add(fileView(core, path.child(name), child, false)));
      return entries;
    });
  }

  public void mkdir(HiroPath path, boolean parents) {
    core.write(() -> core.apply(new Operation.Mkdir(path, parents, core.nowMillis())));
    LOG.debug("master: mkdir {}", path);
  }

  /**
   * As {@link #mkdir}, for a network thread: made at once if the state's lock is free, {@code then}
   * told once it is durable, or why it failed ({@link Core#writeIfReady}); false, having made
   * nothing, when the lock is taken.
   */
  public boolean mkdirIfReady(HiroPath path, boolean parents, BiConsumer<Void, RuntimeException> then) {
    return core.writeIfReady(() -> {
      core.apply(new Operation.Mkdir(path, parents, core.nowMillis()));
      return null;
    }, then);
  }

  /** Deletes a file or directory; returns how many files went. Their replicas are deleted via heartbeats. */
  public long delete(HiroPath path, boolean recursive) {
    MasterState.Applied applied = core.write(() -> core.apply(new Operation.Delete(path, recursive, core.nowMillis())));
    LOG.debug("master: deleted {} ({} files, {} pieces)", path, applied.filesDeleted(), applied.dropped().size());
    return applied.filesDeleted();
  }

  /**
   * Renames {@code source} to {@code destination}, atomically. As with {@code mv}, a destination
   * that is an existing directory receives the source under its own name.
   */
  public void move(HiroPath source, HiroPath destination) {
    HiroPath target = core.write(() -> {
      HiroPath resolved = destination;
      if (!source.equals(destination) && !source.isRoot()
          && core.state.namespace().lookup(destination) instanceof DirectoryNode) {
        resolved = destination.child(source.name());
      }
      core.state.checkMoveKeepsPathsWithinLimits(source, resolved);
      core.apply(new Operation.Move(source, resolved, core.nowMillis()));
      return resolved;
    });
    LOG.debug("master: moved {} to {}", source, target);
  }

  /** A client found a replica corrupt or unreadable: forget it and have its worker delete it, unless it is the last. */
  public void reportBadReplica(PieceId pieceId, WorkerId workerId, String reason) {
    core.write(() -> {
      Cluster cluster = core.cluster;
      if (cluster.worker(workerId) == null) {
        throw HiroException.notFound("worker %s is not registered; check the id in the error you got", workerId);
      }
      if (core.state.ownerOf(pieceId.value()) == null && !cluster.replicas.holds(pieceId.value(), workerId)) {
        throw HiroException.notFound("piece %s is not part of any file or upload", pieceId);
      }
      cluster.dropBadReplica(pieceId.value(), workerId, reason, core.nowMillis(), false);
      return null;
    });
  }

  public ClusterView clusterReport() {
    return core.read(() -> ClusterReports.report(core));
  }

  /** The files under {@code path} that miss pieces, lack replicas or have corrupt ones (at most {@link Fsck#FILES_MAX}). */
  public FsckView fsck(HiroPath path) {
    return core.read(() -> Fsck.check(core, path, existing(path)));
  }

  /**
   * Expires old uploads, logs workers that went dead or came back, and runs one round of the
   * replication monitor. Called every heartbeat interval.
   */
  public void sweep() {
    core.write(() -> {
      long now = core.nowMillis();
      List<Upload> expired = core.state.uploads().values().stream()
          .filter(u -> now - u.createdMillis >= core.config.uploadExpiryMillis())
          .toList();
      for (Upload upload : expired) {
        core.apply(new Operation.AbortUpload(upload.uploadId, "expired"));
        LOG.info("master: upload {} of {} expired after {}; its {} pieces will be deleted",
            String.format("%016x", upload.uploadId), upload.path, core.config.uploadExpiry(), upload.pieceIds.length);
      }
      core.cluster.logLivenessChanges(now);
      monitor.run(now);
      return null;
    });
  }

  /** Pieces the replication monitor has checked since the start (for tests). */
  long piecesCheckedByMonitor() {
    return core.read(monitor::piecesChecked);
  }

  /** Tests force safe mode with this until the journal's own safe mode can be driven from a test. */
  void forceSafeMode(boolean on) {
    core.write(() -> core.cluster.safeModeForced = on);
  }

  private Node existing(HiroPath path) {
    Node node = core.state.namespace().lookup(path);
    if (node == null) {
      HiroPath file = core.state.namespace().fileAncestor(path);
      if (file != null) {
        throw HiroException.notFound("%s does not exist: %s is a file, not a directory", path, file);
      }
      throw HiroException.notFound("%s does not exist", path);
    }
    return node;
  }

  static FileView fileView(Core core, HiroPath path, Node node, boolean withPieces) {
    if (node instanceof DirectoryNode directory) {
      return new FileView(path, true, 0, 0, 0, directory.modifiedMillis(), new FileId(0), 0, new byte[0],
          directory.size(), List.of());
    }
    FileNode file = (FileNode) node;
    List<PieceView> pieces = new ArrayList<>();
    if (withPieces) {
      long now = core.nowMillis();
      for (int i = 0; i < file.pieceCount(); i++) {
        pieces.add(new PieceView(new PieceId(file.pieceId(i)), i, i * file.pieceSizeBytes(), file.pieceLength(i),
            file.crc(i), core.cluster.liveReplicas(file.pieceId(i), now), core.tokens.read(file.pieceId(i), now)));
      }
    }
    return new FileView(path, false, file.sizeBytes, file.replication, file.pieceSizeBytes(), file.modifiedMillis,
        new FileId(file.fileId), file.version, file.sha256(), 0, pieces);
  }
}
