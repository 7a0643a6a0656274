package io.hiro.worker.store;

import io.hiro.common.Checks;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.common.security.OwnerOnly;
import io.hiro.proto.ReplicaMeta;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicas as files in a worker's data dir (see {@link DataDirLayout}).
 *
 * <p>Invariants: a replica is in {@link #replicas()} only once its {@link PieceFile} (bytes, then
 * meta) was fsynced in {@code tmp/} and renamed into place, and that rename made durable; so every
 * file in {@code pieces/} is complete, and one that does not describe itself is damage, logged and
 * left alone. {@code tmp/} holds only writes in flight. A corrupt replica leaves the list before
 * its file moves to {@code corrupt/}; renames into and out of {@code pieces/} hold one lock, so a
 * replica moved aside is never one just installed. Replicas in the legacy two-file format are
 * converted before the store lists anything ({@link LegacyReplicas}).
 */
public final class DiskPieceStore implements PieceStore {
  private static final Logger LOG = LoggerFactory.getLogger(DiskPieceStore.class);

  private final DataDirLayout layout;
  private final String node;
  private final Clock clock;
  private final ConcurrentMap<PieceId, ReplicaMeta> replicas = new ConcurrentHashMap<>();
  private final AtomicLong usedBytes = new AtomicLong();
  private final CorruptDir corruptDir;
  private final Object renames = new Object();
  private final DirectorySync directorySync;
  /** Fan-out dirs whose entry in {@code pieces/} this process made durable. */
  private final Set<Path> durableDirs = ConcurrentHashMap.newKeySet();
  private final DirectWrites directWrites;

  /** Makes a directory's entries durable ({@link Fsync#directory}; a test may record the calls). */
  interface DirectorySync {
    void sync(Path directory) throws IOException;
  }

  private DiskPieceStore(DataDirLayout layout, WorkerId workerId, Clock clock, DirectorySync directorySync,
      DirectWrites directWrites) {
    this.layout = layout;
    this.directWrites = directWrites;
    this.node = workerId.value();
    this.clock = clock;
    this.directorySync = directorySync;
    this.corruptDir = new CorruptDir(layout.corruptDir(), CorruptDir.CORRUPT_REPLICAS_KEPT_MAX);
  }

  /**
   * Opens the store: creates its dirs, empties {@code tmp/}, and lists the committed replicas.
   * New replicas are written with O_DIRECT where the file system allows it ({@link DirectWrites}).
   */
  public static DiskPieceStore open(DataDirLayout layout, WorkerId workerId, Clock clock) {
    return open(layout, workerId, clock, true);
  }

  /** As {@link #open(DataDirLayout, WorkerId, Clock)}; {@code directWrites} false writes through the page cache. */
  public static DiskPieceStore open(DataDirLayout layout, WorkerId workerId, Clock clock, boolean directWrites) {
    return open(layout, workerId, clock, Fsync::directory, directWrites);
  }

  static DiskPieceStore open(DataDirLayout layout, WorkerId workerId, Clock clock, DirectorySync directorySync) {
    return open(layout, workerId, clock, directorySync, true);
  }

  private static DiskPieceStore open(DataDirLayout layout, WorkerId workerId, Clock clock,
      DirectorySync directorySync, boolean directWrites) {
    DiskPieceStore store;
    try {
      OwnerOnly.createDirectories(layout.piecesDir());
      OwnerOnly.createDirectories(layout.tmpDir());
      store = new DiskPieceStore(layout, workerId, clock, directorySync,
          DirectWrites.in(layout.tmpDir(), workerId.value(), directWrites));
      directorySync.sync(layout.root()); // pieces/ and tmp/ may be new
      store.emptyTmp();
      store.load();
    } catch (IOException | UncheckedIOException e) {
      throw HiroException.unavailable("worker %s: cannot open the piece store in %s: %s",
          workerId, layout.root(), e.getMessage());
    }
    LOG.info("{}: piece store in {} holds {} replicas", workerId, layout.root(), store.replicas.size());
    return store;
  }

  private void emptyTmp() throws IOException {
    try (Stream<Path> files = Files.list(layout.tmpDir())) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  private void load() throws IOException {
    new LegacyReplicas(layout, node, directorySync).convert();
    try (Stream<Path> files = Files.walk(layout.piecesDir(), 2)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (file.getFileName().toString().endsWith(PieceFile.SUFFIX)) {
          loadPiece(file);
        }
      }
    }
  }

  private void loadPiece(Path file) throws IOException {
    ReplicaMeta meta;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      meta = PieceFile.readMeta(channel);
    } catch (PieceFile.Damaged | com.google.protobuf.InvalidProtocolBufferException e) {
      LOG.error("{}: skipping {}: {}", node, file, e.getMessage());
      return;
    }
    PieceId pieceId = new PieceId(meta.getPieceId());
    if (!BlockChecksums.isWellFormed(meta) || !file.equals(layout.pieceFile(pieceId))) {
      LOG.error("{}: skipping {}: its meta does not describe piece {} at this place", node, file, pieceId);
    } else {
      add(meta);
    }
  }

  private void add(ReplicaMeta meta) {
    ReplicaMeta old = replicas.put(new PieceId(meta.getPieceId()), meta);
    usedBytes.addAndGet(meta.getLength() - (old == null ? 0 : old.getLength()));
  }

  /** How new replicas reach the disk. */
  DirectWrites directWrites() {
    return directWrites;
  }

  @Override
  public PieceWrite begin(ReplicaMeta identity) {
    Checks.require(identity.getLength() >= 0, "piece length %d is negative", identity.getLength());
    return DiskPieceWrite.create(this, identity, layout.tmpDir(), node, directWrites);
  }

  /** A finished replica's meta, with the time it is stored. */
  ReplicaMeta stamp(ReplicaMeta.Builder meta) {
    return meta.setStoredAtMillis(clock.millis()).build();
  }

  /** Called by a write whose file (bytes and meta) is fsynced: moves it into place and makes the replica visible. */
  ReplicaMeta install(ReplicaMeta meta, Path temp) throws IOException {
    PieceId pieceId = new PieceId(meta.getPieceId());
    Path dir = layout.pieceDir(pieceId);
    createDurably(dir);
    synchronized (renames) {
      Files.move(temp, layout.pieceFile(pieceId), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    directorySync.sync(dir);
    add(meta);
    return meta;
  }

  /**
   * Creates a fan-out dir if it is missing and, the first time this process uses it, fsyncs
   * {@code pieces/}: without that, a power loss could drop the new dir with the replicas in it.
   */
  private void createDurably(Path dir) throws IOException {
    if (durableDirs.contains(dir)) {
      return;
    }
    OwnerOnly.createDirectories(dir);
    directorySync.sync(layout.piecesDir());
    durableDirs.add(dir);
  }

  @Override
  public ReplicaReader open(PieceId pieceId) {
    ReplicaMeta meta = replicas.get(pieceId);
    if (meta == null) {
      throw HiroException.notFound("worker %s holds no replica of piece %s; ask the master for another", node, pieceId);
    }
    return DiskReplicaReader.open(layout.pieceFile(pieceId), meta, node);
  }

  @Override
  public Optional<ReplicaMeta> meta(PieceId pieceId) {
    return Optional.ofNullable(replicas.get(pieceId));
  }

  @Override
  public List<ReplicaMeta> replicas() {
    return new ArrayList<>(replicas.values());
  }

  @Override
  public Optional<String> moveAsideCorrupt(PieceId pieceId) {
    Path movedTo;
    synchronized (renames) {
      ReplicaMeta meta = replicas.remove(pieceId);
      if (meta == null) {
        return Optional.empty();
      }
      usedBytes.addAndGet(-meta.getLength());
      try {
        movedTo = corruptDir.moveIn(pieceId, layout.pieceFile(pieceId), clock.millis());
      } catch (IOException e) {
        throw DiskErrors.of(e, node, "moving corrupt piece " + pieceId + " aside");
      }
    }
    try {
      corruptDir.prune();
    } catch (IOException e) {
      LOG.warn("{}: cannot delete old corrupt replicas in {}: {}", node, layout.corruptDir(), e.getMessage());
    }
    return Optional.of(movedTo.toString());
  }

  @Override
  public boolean delete(PieceId pieceId) {
    ReplicaMeta meta = replicas.remove(pieceId);
    if (meta == null) {
      return false;
    }
    usedBytes.addAndGet(-meta.getLength());
    try {
      Files.deleteIfExists(layout.pieceFile(pieceId));
    } catch (IOException e) {
      throw DiskErrors.of(e, node, "deleting piece " + pieceId);
    }
    LOG.debug("{}: piece {} deleted", node, pieceId);
    return true;
  }

  @Override
  public long usedBytes() {
    return usedBytes.get();
  }

  @Override
  public int replicaCount() {
    return replicas.size();
  }
}
