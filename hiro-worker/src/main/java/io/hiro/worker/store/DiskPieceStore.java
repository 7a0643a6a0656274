package io.hiro.worker.store;

import io.hiro.common.Checks;
import io.hiro.common.Crc32c;
import io.hiro.common.HiroException;
import io.hiro.common.Limits;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.common.security.OwnerOnly;
import io.hiro.proto.ReplicaMeta;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
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
 * <p>A new replica is written into a spare: an empty {@code .piece} file whose name was made
 * durable beforehand ({@link SpareFiles}), so the one fsync of the file (bytes, then meta) makes
 * the replica durable. Invariants: a replica is in {@link #replicas()} only once its file is
 * fsynced (at start, a spare changed in the last {@link #RECENT_MILLIS} is fsynced again before it
 * is listed). A spare that is neither empty nor ends with the footer that only this worker can
 * write for it ({@link PieceFile}) is a write cut short by a crash, or damage; it is moved to
 * {@code corrupt/} when the store opens. Two files of one piece (a crash between a piece's new
 * file and the deletion of its old one) keep the one stored last: a replica's stored-at stamp is
 * later than every stamp on the disk before it, even if the wall clock stepped back. The one
 * stored last is read back first, and kept only if every block matches its checksum: after a power
 * loss its footer may have reached the disk and not all its blocks, and the older copy, which was
 * acknowledged, is then kept instead (the newer moved to {@code corrupt/}). A corrupt
 * replica leaves the list before its file moves to {@code corrupt/}; installing and moving aside
 * hold one lock, and only the very replica a reader found corrupt is moved aside, never a newer
 * one of the same piece installed since. Replicas in the legacy
 * two-file format are converted before the store lists anything ({@link LegacyReplicas}).
 */
public final class DiskPieceStore implements PieceStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DiskPieceStore.class);

  private final DataDirLayout layout;
  private final String node;
  private final Clock clock;
  private final ConcurrentMap<PieceId, Replica> replicas = new ConcurrentHashMap<>();
  private final AtomicLong usedBytes = new AtomicLong();
  private final CorruptDir corruptDir;
  private final Object installs = new Object();
  private final DirectorySync directorySync;
  private final DirectWrites directWrites;
  private final SpareFiles spares;
  /** The latest stored-at stamp on this disk: each new one is later (see {@link #stamp}). */
  private final AtomicLong lastStamp = new AtomicLong();
  /**
   * A spare changed this recently is fsynced before it is listed at start: page-cache write-back
   * takes ~30 s, so an older one is on disk unless the machine lost power (and then the disk holds
   * what it holds).
   */
  static final long RECENT_MILLIS = 3_600_000;

  /** A replica's meta and the file that holds it. */
  private record Replica(ReplicaMeta meta, Path file) {}

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
    this.spares = new SpareFiles(layout, node, directorySync);
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
      store.spares.refillSoon();
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
    List<Path> empty = new ArrayList<>();
    Set<Path> emptyDirs = new HashSet<>();
    try (Stream<Path> files = Files.walk(layout.piecesDir(), 2)) {
      // In name order: of two files of one piece, which one is met first is then known (tests cover both).
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(PieceFile.SUFFIX)).sorted().toList()) {
        if (!Files.isRegularFile(file)) {
          continue;
        }
        if (PieceFile.slotOf(file).isPresent() && Files.size(file) == 0) {
          empty.add(file);
          emptyDirs.add(file.getParent());
        } else {
          loadPiece(file);
        }
      }
    }
    spares.adopt(emptyDirs, empty);
  }

  private void loadPiece(Path file) throws IOException {
    boolean spare = PieceFile.slotOf(file).isPresent();
    ReplicaMeta meta;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      meta = PieceFile.readMeta(channel, file);
    } catch (PieceFile.Damaged | com.google.protobuf.InvalidProtocolBufferException e) {
      notAReplica(file, spare, e.getMessage());
      return;
    }
    PieceId pieceId = new PieceId(meta.getPieceId());
    if (!BlockChecksums.isWellFormed(meta) || (!spare && !file.equals(layout.pieceFile(pieceId)))) {
      notAReplica(file, spare, "its meta does not describe piece " + pieceId + " at this place");
      return;
    }
    if (spare && Files.getLastModifiedTime(file).toMillis() > clock.millis() - RECENT_MILLIS) {
      // Its writer may have stopped between its meta and its fsync: complete, not yet surely durable.
      Fsync.file(file);
    }
    lastStamp.accumulateAndGet(meta.getStoredAtMillis(), Math::max);
    Replica found = new Replica(meta, file);
    Replica other = replicas.get(pieceId);
    if (other == null) {
      put(found);
      return;
    }
    boolean foundIsNewer = meta.getStoredAtMillis() > other.meta().getStoredAtMillis();
    Replica newer = foundIsNewer ? found : other;
    Replica older = foundIsNewer ? other : found;
    Optional<String> damage = damage(newer);
    if (damage.isPresent()) {
      // After a power loss the copy written last may hold its footer and not all its blocks: its fsync
      // never finished, so it was never acknowledged. The older one was: it stays.
      if (!foundIsNewer) {
        put(found);
      }
      LOG.warn("{}: {} and {} both hold piece {}; keeping the older, {}: the newer does not read back whole", node,
          other.file(), file, pieceId, older.file());
      notAReplica(newer.file(), PieceFile.slotOf(newer.file()).isPresent(), damage.get());
      return;
    }
    if (foundIsNewer) {
      put(found);
    }
    LOG.warn("{}: {} and {} both hold piece {}; keeping the newer, deleting {}", node, other.file(), file, pieceId,
        older.file());
    Files.deleteIfExists(older.file());
  }

  /**
   * Why {@code replica}'s bytes do not read back as its meta describes them (a block's CRC32C, the
   * whole piece's, or a disk error), or empty if they do. Read at start only for a piece found in two files, before
   * the older goes: rare, and the only place where a copy the crash may have torn would replace one
   * that was acknowledged.
   */
  private Optional<String> damage(Replica replica) {
    ReplicaMeta meta = replica.meta();
    try (DiskReplicaReader reader = DiskReplicaReader.open(replica.file(), meta, node)) {
      int whole = 0;
      for (long offset = 0; offset < meta.getLength(); ) {
        int length = (int) Math.min(Limits.MESSAGE_DATA_BYTES, meta.getLength() - offset);
        whole = Crc32c.combine(whole, reader.readTransient(offset, length).crc32c(), length);
        offset += length;
      }
      return whole == meta.getCrc32C() ? Optional.empty() : Optional.of(String.format(
          "its bytes have CRC32C %s, its meta says %s", Crc32c.hex(whole), Crc32c.hex(meta.getCrc32C())));
    } catch (HiroException e) { // corrupt, or a disk error: either way the older copy is the one to keep
      return Optional.of(e.getMessage());
    }
  }

  /**
   * A spare that does not hold a whole replica is a write cut short (or damage): moved to
   * {@code corrupt/}, where a person can look at it; not pruned here, so a start that finds many
   * deletes none. A file named after its piece was whole when it was renamed there: damage,
   * logged and left in place.
   */
  private void notAReplica(Path file, boolean spare, String why) throws IOException {
    if (!spare) {
      LOG.error("{}: skipping {}: {}; left in place for a person to look at", node, file, why);
      return;
    }
    String stem = file.getFileName().toString();
    Path movedTo = corruptDir.moveIn(stem.substring(0, stem.length() - PieceFile.SUFFIX.length()), file,
        clock.millis());
    LOG.error("{}: {} is not a whole replica ({}): a write cut short by a crash, or damage; moved to {}", node, file,
        why, movedTo);
  }

  private void pruneCorrupt() {
    try {
      corruptDir.prune();
    } catch (IOException e) {
      LOG.warn("{}: cannot delete old corrupt replicas in {}: {}", node, layout.corruptDir(), e.getMessage());
    }
  }

  /** Lists {@code replica}; returns the one it replaces, if any. */
  private Replica put(Replica replica) {
    Replica old = replicas.put(new PieceId(replica.meta().getPieceId()), replica);
    usedBytes.addAndGet(replica.meta().getLength() - (old == null ? 0 : old.meta().getLength()));
    return old;
  }

  /** How new replicas reach the disk. */
  DirectWrites directWrites() {
    return directWrites;
  }

  @Override
  public PieceWrite begin(ReplicaMeta identity) {
    Checks.require(identity.getLength() >= 0, "piece length %d is negative", identity.getLength());
    Path file;
    try {
      file = spares.take();
    } catch (IOException e) {
      throw DiskErrors.of(e, node, "starting piece " + new PieceId(identity.getPieceId()));
    }
    return DiskPieceWrite.create(this, identity, file, node, directWrites);
  }

  /** Spares ready for new replicas (for tests). */
  int idleSpares() {
    return spares.idle();
  }

  /** The file that holds a replica, if this store lists one (for tests). */
  Optional<Path> fileOf(PieceId pieceId) {
    return Optional.ofNullable(replicas.get(pieceId)).map(Replica::file);
  }

  /**
   * A finished replica's meta, with the time it is stored: the wall clock's, or one past the latest
   * stamp on this disk if that is later, so that of two replicas of one piece the one stored last
   * has the later stamp even after the clock stepped back (by hand or by NTP), across restarts too.
   */
  ReplicaMeta stamp(ReplicaMeta.Builder meta) {
    long now = clock.millis();
    return meta.setStoredAtMillis(lastStamp.accumulateAndGet(now,
        (last, wall) -> Math.max(wall, last == Long.MAX_VALUE ? last : last + 1))).build();
  }

  /**
   * Called by a write whose file (bytes and meta) is fsynced: makes the replica visible, and
   * deletes the file of the replica of the same piece it replaces, if any.
   */
  ReplicaMeta install(ReplicaMeta meta, Path file) throws IOException {
    Replica old;
    synchronized (installs) {
      old = put(new Replica(meta, file));
      if (old != null && !old.file().equals(file)) {
        try {
          Files.deleteIfExists(old.file());
        } catch (IOException e) {
          // The new replica is durable and listed; the next start keeps it and deletes the old file.
          LOG.warn("{}: cannot delete {}, the old replica of piece {}: {}", node, old.file(),
              new PieceId(meta.getPieceId()), e.getMessage());
        }
      }
    }
    return meta;
  }

  @Override
  public ReplicaReader open(PieceId pieceId) {
    Replica replica = replicas.get(pieceId);
    if (replica == null) {
      throw HiroException.notFound("worker %s holds no replica of piece %s; ask the master for another", node, pieceId);
    }
    try {
      return DiskReplicaReader.open(replica.file(), replica.meta(), node);
    } catch (CorruptReplicaException e) {
      // A replica written again meanwhile deletes the file it replaces: read the new one.
      Replica now = replicas.get(pieceId);
      if (now == null || now == replica) {
        throw e;
      }
      return DiskReplicaReader.open(now.file(), now.meta(), node);
    }
  }

  @Override
  public Optional<ReplicaMeta> meta(PieceId pieceId) {
    return Optional.ofNullable(replicas.get(pieceId)).map(Replica::meta);
  }

  @Override
  public List<ReplicaMeta> replicas() {
    return new ArrayList<>(replicas.values().stream().map(Replica::meta).toList());
  }

  @Override
  public Optional<String> moveAsideCorrupt(ReplicaMeta found) {
    PieceId pieceId = new PieceId(found.getPieceId());
    Path movedTo;
    synchronized (installs) {
      Replica replica = replicas.get(pieceId);
      // The same object the reader got: a replica written again since has a meta of its own.
      if (replica == null || replica.meta() != found) {
        return Optional.empty();
      }
      replicas.remove(pieceId);
      usedBytes.addAndGet(-replica.meta().getLength());
      try {
        // A spare keeps its name after the piece id: its footer covers the slot in that name.
        String name = replica.file().getFileName().toString();
        String label = PieceFile.slotOf(replica.file()).isPresent()
            ? pieceId + "-" + name.substring(0, name.length() - PieceFile.SUFFIX.length()) : pieceId.toString();
        movedTo = corruptDir.moveIn(label, replica.file(), clock.millis());
      } catch (IOException e) {
        throw DiskErrors.of(e, node, "moving corrupt piece " + pieceId + " aside");
      }
    }
    pruneCorrupt();
    return Optional.of(movedTo.toString());
  }

  @Override
  public boolean delete(ReplicaMeta found) {
    PieceId pieceId = new PieceId(found.getPieceId());
    Replica replica;
    synchronized (installs) {
      replica = replicas.get(pieceId);
      // The same object the caller got: a replica written again since has a meta of its own.
      if (replica == null || replica.meta() != found) {
        return false;
      }
      replicas.remove(pieceId);
      usedBytes.addAndGet(-replica.meta().getLength());
    }
    try {
      Files.deleteIfExists(replica.file());
    } catch (IOException e) {
      throw DiskErrors.of(e, node, "deleting piece " + pieceId);
    }
    LOG.debug("{}: piece {} deleted", node, pieceId);
    return true;
  }

  /** Stops making spares (see {@link SpareFiles#close}); replicas stay readable. */
  @Override
  public void close() {
    spares.close();
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
