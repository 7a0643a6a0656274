package io.hiro.worker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.common.Crc32c;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.proto.ReplicaMeta;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class DiskPieceStoreTest {
  private static final WorkerId WORKER = new WorkerId("w-test");
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);

  @TempDir Path dir;

  private DataDirLayout layout() {
    return new DataDirLayout(dir);
  }

  private final List<DiskPieceStore> opened = new ArrayList<>();

  private DiskPieceStore open() {
    return open(CLOCK, path -> Fsync.directory(path));
  }

  /** Opens a store that is closed after the test, before its dir is deleted. */
  private DiskPieceStore open(Clock clock, DiskPieceStore.DirectorySync directorySync) {
    DiskPieceStore store = DiskPieceStore.open(layout(), WORKER, clock, directorySync);
    opened.add(store);
    return store;
  }

  @AfterEach
  void closeStores() {
    opened.forEach(DiskPieceStore::close);
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static ReplicaMeta identity(PieceId pieceId, long length) {
    return ReplicaMeta.newBuilder().setPieceId(pieceId.value()).setLength(length)
        .setFileId(7).setIndex(2).setVersion(3).setPath("/photos/a.jpg").build();
  }

  /** Writes in uneven slices so block boundaries fall inside appends. */
  private static ReplicaMeta write(PieceStore store, PieceId pieceId, byte[] bytes) {
    PieceWrite write = store.begin(identity(pieceId, bytes.length));
    for (int offset = 0; offset < bytes.length; offset += 50_000) {
      write.append(ByteBuffer.wrap(bytes, offset, Math.min(50_000, bytes.length - offset)));
    }
    return write.commit();
  }

  private long filesIn(Path path) throws IOException {
    try (Stream<Path> files = Files.walk(path)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  /** Files that hold something: replicas and writes in flight, not spares. */
  private long nonEmptyFilesIn(Path path) throws IOException {
    try (Stream<Path> files = Files.walk(path)) {
      return files.filter(f -> Files.isRegularFile(f) && f.toFile().length() > 0).count();
    }
  }

  private static Path fileOf(DiskPieceStore store, PieceId pieceId) {
    return store.fileOf(pieceId).orElseThrow();
  }

  private static void awaitSpares(DiskPieceStore store) {
    Awaitility.await("a batch of spares").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
        .until(() -> store.idleSpares() >= SpareFiles.IDLE_MIN + SpareFiles.BATCH);
  }

  @Test
  void committedReplicaReadsBackWithItsMetaOnDisk() throws IOException {
    DiskPieceStore store = open();
    PieceId pieceId = new PieceId(0xabcdef0123456789L);
    byte[] bytes = randomBytes(300_000, 1);

    ReplicaMeta meta = write(store, pieceId, bytes);

    assertThat(meta.getCrc32C()).isEqualTo(Crc32c.of(bytes, 0, bytes.length));
    assertThat(meta.getBlockCrc32CCount()).isEqualTo(5);
    assertThat(meta.getBlockCrc32C(1)).isEqualTo(Crc32c.of(bytes, 65536, 65536));
    assertThat(meta.getStoredAtMillis()).isEqualTo(CLOCK.millis());
    Path file = fileOf(store, pieceId);
    assertThat(file.getFileName().toString()).startsWith("slot-").endsWith(".piece");
    assertThat(file.getParent().getParent()).isEqualTo(layout().piecesDir());
    assertThat(PieceFile.find(layout(), pieceId)).contains(file);
    assertThat(nonEmptyFilesIn(dir.resolve("pieces"))).as("one file per replica").isEqualTo(1);
    assertThat(PieceFile.readPiece(file)).isEqualTo(bytes);
    assertThat(PieceFile.readMeta(file)).isEqualTo(meta);
    assertThat(Files.size(file)).isEqualTo(bytes.length + meta.getSerializedSize() + PieceFile.FOOTER_BYTES);
    try (ReplicaReader reader = store.open(pieceId)) {
      assertThat(reader.read(0, bytes.length).bytes().toByteArray()).isEqualTo(bytes);
      assertThat(reader.read(70_000, 1000).bytes().toByteArray()).isEqualTo(Arrays.copyOfRange(bytes, 70_000, 71_000));
    }
    assertThat(store.usedBytes()).isEqualTo(bytes.length);
    assertThat(filesIn(layout().tmpDir())).isZero();
  }

  @Test
  void flippedByteInDataFileIsDataLossNamingPieceAndWorker() throws IOException {
    DiskPieceStore store = open();
    PieceId pieceId = new PieceId(0x1122334455667788L);
    byte[] bytes = randomBytes(200_000, 2);
    write(store, pieceId, bytes);
    Path file = fileOf(store, pieceId);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(new byte[] {(byte) ~bytes[150_000]}), 150_000);
    }

    try (ReplicaReader reader = store.open(pieceId)) {
      assertThat(reader.read(0, 1000).bytes().toByteArray()).isEqualTo(Arrays.copyOf(bytes, 1000));
      assertThatThrownBy(() -> reader.readTransient(140_000, 20_000))
          .isInstanceOf(HiroException.class)
          .satisfies(e -> assertThat(((HiroException) e).code()).isEqualTo(ErrorCode.DATA_LOSS));
      assertThatThrownBy(() -> reader.read(140_000, 20_000))
          .isInstanceOf(HiroException.class)
          .satisfies(e -> assertThat(((HiroException) e).code()).isEqualTo(ErrorCode.DATA_LOSS))
          .hasMessageContaining(pieceId.toString())
          .hasMessageContaining(WORKER.value());
    }
  }

  /** A transient read fills the reader's one array again, grown once to the largest span of blocks asked for. */
  @Test
  void transientReadsReuseOneArrayAndReturnTheBytesAskedFor() throws IOException {
    DiskPieceStore store = open();
    PieceId pieceId = new PieceId(0x0123456789abcdefL);
    byte[] bytes = randomBytes(300_000, 3);
    write(store, pieceId, bytes);

    try (ReplicaReader reader = store.open(pieceId)) {
      byte[] kept = assertReads(reader.readTransient(0, 131_072), bytes, 0, 131_072);
      assertThat(assertReads(reader.readTransient(262_144, 37_856), bytes, 262_144, 37_856)) // the short last block
          .as("the same array, filled again").isSameAs(kept);
      assertThat(assertReads(reader.readTransient(70_000, 1000), bytes, 70_000, 1000)).isSameAs(kept); // not whole blocks

      byte[] grown = assertReads(reader.readTransient(100_000, 150_000), bytes, 100_000, 150_000); // 3 blocks
      assertThat(grown).as("more than the array holds").isNotSameAs(kept);
      assertThat(reader.readTransient(0, 1000).array()).as("the grown array is kept").isSameAs(grown);

      ReplicaReader.Checksummed own = reader.read(0, 131_072);
      assertThat(own.array()).as("a plain read has an array of its own").isNotSameAs(grown);
      assertThat(reader.readTransient(131_072, 131_072).array()).isSameAs(grown);
      assertReads(own, bytes, 0, 131_072); // and keeps its bytes through the transient reads after it
    }
  }

  /** Checks that {@code read} holds {@code bytes[from..from+length)} and their CRC32C; returns its array. */
  private static byte[] assertReads(ReplicaReader.Checksummed read, byte[] bytes, int from, int length) {
    assertThat(read.bytes().toByteArray()).isEqualTo(Arrays.copyOfRange(bytes, from, from + length));
    assertThat(read.crc32c()).isEqualTo(Crc32c.of(bytes, from, length));
    return read.array();
  }

  /**
   * Spares are made durable (their fan-out dir created and synced in pieces/, then the dir
   * itself synced) before they are handed out, so a replica written into one needs no dir sync.
   */
  @Test
  void aReplicaWrittenIntoASpareSyncsNoDirectoryAndTheSparesNamesWereSyncedBefore() throws IOException {
    List<Path> synced = new CopyOnWriteArrayList<>();
    DiskPieceStore store = open(CLOCK, synced::add);
    awaitSpares(store);
    Path pieces = layout().piecesDir();
    try (Stream<Path> files = Files.walk(pieces, 2)) {
      List<Path> spareDirs = files.filter(Files::isRegularFile).map(Path::getParent).distinct().toList();
      assertThat(spareDirs).isNotEmpty();
      for (Path spareDir : spareDirs) {
        assertThat(synced).as("%s synced after pieces/ was", spareDir).contains(spareDir);
        assertThat(synced.indexOf(pieces)).isLessThan(synced.lastIndexOf(spareDir));
      }
    }
    synced.clear();

    for (int i = 1; i <= 3; i++) {
      write(store, new PieceId(0xab00000000000000L + i), randomBytes(10, i));
    }

    assertThat(synced).as("directories synced while replicas were written").isEmpty();
    assertThat(store.replicaCount()).isEqualTo(3);
  }

  /** With no spare idle, a write makes its own: its new dir made durable in pieces/, then its name. */
  @Test
  void aSpareMadeOnTheSpotHasItsNameSyncedBeforeItIsHandedOut() throws IOException {
    List<Path> synced = new CopyOnWriteArrayList<>();
    SpareFiles spares = new SpareFiles(layout(), WORKER.value(), synced::add);

    try {
      Path spare = spares.take();

      assertThat(spare).exists().hasSize(0);
      assertThat(PieceFile.slotOf(spare)).isPresent();
      assertThat(synced).contains(layout().piecesDir(), spare.getParent());
      assertThat(synced.indexOf(spare.getParent())).isGreaterThan(synced.indexOf(layout().piecesDir()));
    } finally {
      spares.close();
    }
  }

  @Test
  void abortLeavesNothingBehind() throws IOException {
    DiskPieceStore store = open();
    PieceId pieceId = new PieceId(42);
    PieceWrite write = store.begin(identity(pieceId, 1000));
    write.append(ByteBuffer.wrap(randomBytes(500, 3)));
    assertThat(nonEmptyFilesIn(layout().piecesDir())).isEqualTo(1);

    write.abort();

    assertThat(nonEmptyFilesIn(layout().piecesDir())).isZero();
    assertThat(store.replicas()).isEmpty();
    assertThatThrownBy(() -> store.open(pieceId))
        .satisfies(e -> assertThat(((HiroException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void writePastLengthOrCommitShortIsRejected() {
    DiskPieceStore store = open();
    PieceWrite write = store.begin(identity(new PieceId(43), 100));
    assertThatThrownBy(() -> write.append(ByteBuffer.wrap(new byte[101])))
        .satisfies(e -> assertThat(((HiroException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    write.append(ByteBuffer.wrap(new byte[99]));
    assertThatThrownBy(write::commit)
        .satisfies(e -> assertThat(((HiroException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    write.abort();
  }

  @Test
  void restartListsCommittedReplicasAndSetsAsideAWriteCutShort() throws IOException {
    DiskPieceStore store = open();
    PieceId kept = new PieceId(0x0102030405060708L);
    ReplicaMeta meta = write(store, kept, randomBytes(100_000, 4));
    store.begin(identity(new PieceId(99), 10)).append(ByteBuffer.wrap(new byte[5])); // in flight at the "crash"
    Files.write(layout().tmpDir().resolve("0000000000000063-1a2b3c4d.piece"), new byte[5]); // an older version's temp
    PieceId unfinished = new PieceId(0x0900000000000000L);
    Files.createDirectories(layout().pieceDir(unfinished));
    Files.write(layout().legacyDataFile(unfinished), new byte[10]); // legacy format: renamed data, meta never written

    DiskPieceStore restarted = open();

    assertThat(restarted.replicas()).containsExactly(meta);
    assertThat(restarted.usedBytes()).isEqualTo(100_000);
    assertThat(nonEmptyFilesIn(layout().piecesDir())).as("the replica only").isEqualTo(1);
    try (Stream<Path> corrupt = Files.list(layout().corruptDir())) {
      assertThat(corrupt.map(f -> f.getFileName().toString()))
          .singleElement().satisfies(name -> assertThat(name).matches("\\d{13}-slot-[0-9a-f]{16}\\.piece"));
    }
    assertThat(filesIn(layout().tmpDir())).isZero();
    assertThat(Files.exists(layout().legacyDataFile(unfinished))).isFalse();
  }

  /** A crash between a piece's new file and the deletion of the one it replaced leaves two. */
  @Test
  void aReplicaWrittenAgainReplacesItsFileAndOfTwoFilesOfOnePieceTheNewerIsKept() throws IOException {
    PieceId pieceId = new PieceId(0x31);
    DiskPieceStore first = open();
    write(first, pieceId, randomBytes(3000, 1));
    Path older = fileOf(first, pieceId);
    byte[] olderBytes = Files.readAllBytes(older);
    Clock later = Clock.offset(CLOCK, Duration.ofSeconds(5));
    DiskPieceStore second = open(later, path -> Fsync.directory(path));

    ReplicaMeta newer = write(second, pieceId, randomBytes(3000, 2));

    Path newerFile = fileOf(second, pieceId);
    assertThat(newerFile).isNotEqualTo(older);
    assertThat(older).as("the file it replaced").doesNotExist();
    Files.write(older, olderBytes); // as if the crash came before that deletion

    assertARestartKeepsOnly(newer, randomBytes(3000, 2), older, later);
  }

  /**
   * A power loss during the fsync of a piece written again: the new file's footer reached the disk and
   * one of its blocks did not. That write was never acknowledged; the older file was, and must stay,
   * whichever of the two the start meets first (it reads them in name order).
   */
  @ParameterizedTest(name = "newer file met first: {0}")
  @ValueSource(booleans = {true, false})
  void ofTwoFilesOfOnePieceTheNewerIsKeptOnlyIfItReadsBackWholeElseTheOlderStays(boolean newerMetFirst)
      throws IOException {
    PieceId pieceId = new PieceId(0x33);
    DiskPieceStore store = open();
    // The piece written again and again, each copy of another length replacing the one before: spares
    // of one batch share a directory and have random names, so two copies soon sort as wanted.
    List<ReplicaMeta> metas = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    List<byte[]> fileBytes = new ArrayList<>();
    int older = -1;
    int newer = -1;
    while (newer < 0 && metas.size() < 40) {
      metas.add(write(store, pieceId, randomBytes(200_000 - 1000 * metas.size(), metas.size())));
      files.add(fileOf(store, pieceId));
      fileBytes.add(Files.readAllBytes(files.getLast()));
      int last = metas.size() - 1;
      for (int earlier = 0; earlier < last && newer < 0; earlier++) {
        if ((files.get(last).compareTo(files.get(earlier)) < 0) == newerMetFirst) {
          older = earlier;
          newer = last;
        }
      }
    }
    assertThat(newer).as("two copies that sort as wanted").isNotNegative();
    assertThat(metas.get(newer).getStoredAtMillis()).isGreaterThan(metas.get(older).getStoredAtMillis());
    Files.write(files.get(older), fileBytes.get(older)); // the crash came before the older file's deletion
    byte[] torn = fileBytes.get(newer).clone();
    Arrays.fill(torn, 70_000, 70_000 + 4096, (byte) 0); // a block of the second 64 KiB never written
    Files.write(files.get(newer), torn);

    DiskPieceStore restarted = open();

    assertThat(restarted.replicas()).containsExactly(metas.get(older));
    assertThat(restarted.usedBytes()).isEqualTo(metas.get(older).getLength());
    try (ReplicaReader reader = restarted.open(pieceId)) {
      assertThat(reader.read(0, (int) metas.get(older).getLength()).bytes().toByteArray())
          .isEqualTo(randomBytes(200_000 - 1000 * older, older));
    }
    assertThat(files.get(newer)).doesNotExist();
    assertThat(layout().corruptDir().resolve(String.format("%013d-%s", CLOCK.millis(), files.get(newer).getFileName())))
        .hasBinaryContent(torn);
  }

  private void assertARestartKeepsOnly(ReplicaMeta kept, byte[] keptBytes, Path older, Clock clock)
      throws IOException {
    DiskPieceStore restarted = open(clock, path -> Fsync.directory(path));
    assertThat(restarted.replicas()).containsExactly(kept);
    assertThat(older).doesNotExist();
    try (ReplicaReader reader = restarted.open(new PieceId(kept.getPieceId()))) {
      assertThat(reader.read(0, keptBytes.length).bytes().toByteArray()).isEqualTo(keptBytes);
    }
  }

  /** The wall clock stepped back (by hand, or NTP) between two writes of one piece, with a restart between. */
  @Test
  void ofTwoFilesOfOnePieceTheOneStoredLastIsKeptEvenIfTheClockSteppedBack() throws IOException {
    PieceId pieceId = new PieceId(0x32);
    Clock ahead = Clock.offset(CLOCK, Duration.ofHours(2));
    DiskPieceStore first = open(ahead, path -> Fsync.directory(path));
    ReplicaMeta earlier = write(first, pieceId, randomBytes(3000, 1));
    Path older = fileOf(first, pieceId);
    byte[] olderBytes = Files.readAllBytes(older);
    DiskPieceStore second = open(CLOCK, path -> Fsync.directory(path));

    ReplicaMeta last = write(second, pieceId, randomBytes(3000, 2));

    assertThat(last.getStoredAtMillis()).isGreaterThan(earlier.getStoredAtMillis());
    Files.write(older, olderBytes); // as if the crash came before that deletion
    assertARestartKeepsOnly(last, randomBytes(3000, 2), older, CLOCK);
  }

  @Test
  void aPieceFileThatDoesNotDescribeItselfIsMovedToCorruptForAPerson() throws IOException {
    DiskPieceStore store = open();
    ReplicaMeta good = write(store, new PieceId(0x21), randomBytes(5000, 1));
    write(store, new PieceId(0x22), randomBytes(5000, 2));
    write(store, new PieceId(0x23), randomBytes(5000, 3));
    Path cut = fileOf(store, new PieceId(0x22));
    try (FileChannel channel = FileChannel.open(cut, StandardOpenOption.WRITE)) {
      channel.truncate(channel.size() - 1); // the footer's last byte is gone
    }
    byte[] cutBytes = Files.readAllBytes(cut);
    Path flipped = fileOf(store, new PieceId(0x23));
    byte[] bytes = Files.readAllBytes(flipped);
    bytes[5002] ^= 1; // inside the meta: its CRC32C no longer matches
    Files.write(flipped, bytes);

    DiskPieceStore restarted = open();

    assertThat(restarted.replicas()).containsExactly(good);
    assertThat(cut).doesNotExist();
    assertThat(flipped).doesNotExist();
    assertThat(layout().corruptDir().resolve(String.format("%013d-%s", CLOCK.millis(), cut.getFileName())))
        .hasBinaryContent(cutBytes);
    assertThat(layout().corruptDir().resolve(String.format("%013d-%s", CLOCK.millis(), flipped.getFileName())))
        .hasBinaryContent(bytes);
  }

  /** A file named after its piece was whole when renamed there: damage to it is left for a person, unlisted. */
  @Test
  void aDamagedFileNamedAfterItsPieceIsSkippedAndLeftInPlace() throws IOException {
    PieceId pieceId = new PieceId(0x24);
    byte[] bytes = randomBytes(3000, 4);
    Path named = writeNamedFile(pieceId, bytes, meta(pieceId, bytes));
    assertThat(open().replicas()).extracting(ReplicaMeta::getPieceId).containsExactly(pieceId.value());
    byte[] damaged = Files.readAllBytes(named);
    damaged[3002] ^= 1; // inside the meta
    Files.write(named, damaged);

    assertThat(open().replicas()).isEmpty();
    assertThat(named).hasBinaryContent(damaged);
  }

  /**
   * A client's bytes reach a spare before its meta: bytes that end like a piece file (a meta of
   * another piece and a footer, of either format) in a write a crash cut short are not taken for a
   * replica at the next start; only this worker knows the slot a spare's footer covers.
   */
  @Test
  void aFooterAClientPutInItsBytesIsNotTakenForAReplicaAfterACrash() throws IOException {
    DiskPieceStore store = open();
    PieceId victim = new PieceId(0x77);
    ReplicaMeta good = write(store, victim, randomBytes(2000, 1));
    for (long guessedSlot : new long[] {-1, 0, 0x1234_5678_9abc_def0L}) {
      // Exactly one staging buffer: written to the file even where writes go with O_DIRECT.
      byte[] bytes = forgedFile(DirectWrites.STAGING_BYTES, victim, guessedSlot);
      store.begin(identity(new PieceId(0x78), 2L * bytes.length)).append(ByteBuffer.wrap(bytes)); // then the "crash"
    }

    DiskPieceStore restarted = open();

    assertThat(restarted.replicas()).containsExactly(good);
    try (ReplicaReader reader = restarted.open(victim)) {
      assertThat(reader.read(0, 2000).bytes().toByteArray()).isEqualTo(randomBytes(2000, 1));
    }
    assertThat(filesIn(layout().corruptDir())).as("the three cut writes, set aside").isEqualTo(3);
  }

  private static ReplicaMeta meta(PieceId pieceId, byte[] bytes) {
    BlockChecksums checksums = new BlockChecksums();
    checksums.update(ByteBuffer.wrap(bytes));
    return checksums.finish(identity(pieceId, bytes.length).toBuilder()).setStoredAtMillis(CLOCK.millis()).build();
  }

  /** A replica in a file named after its piece, with a HIROPC01 footer, as written before spares. */
  private Path writeNamedFile(PieceId pieceId, byte[] bytes, ReplicaMeta meta) throws IOException {
    Path named = layout().pieceFile(pieceId);
    Files.createDirectories(named.getParent());
    try (FileChannel channel = FileChannel.open(named, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(bytes));
      PieceFile.writeMeta(channel, meta);
    }
    return named;
  }

  /** What a piece file holding {@code data} ends with: with a HIROPC01 footer when {@code slot} is -1, else HIROPC02. */
  private byte[] forgedFile(int totalBytes, PieceId pieceId, long slot) throws IOException {
    int dataBytes = totalBytes;
    ReplicaMeta meta = null;
    for (int round = 0; round < 3; round++) { // the meta's size depends on the data's, which depends on it
      meta = meta(pieceId, randomBytes(dataBytes, 2)).toBuilder().setStoredAtMillis(Long.MAX_VALUE).build();
      dataBytes = totalBytes - meta.getSerializedSize() - PieceFile.FOOTER_BYTES;
    }
    byte[] data = randomBytes(dataBytes, 2);
    meta = meta(pieceId, data).toBuilder().setStoredAtMillis(Long.MAX_VALUE).build();
    Path scratch = dir.resolve("forged-" + slot);
    try (FileChannel channel = FileChannel.open(scratch, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(data));
      if (slot == -1) {
        PieceFile.writeMeta(channel, meta);
      } else {
        PieceFile.writeMeta(channel, meta, slot);
      }
    }
    byte[] bytes = Files.readAllBytes(scratch);
    Files.delete(scratch);
    assertThat(bytes).hasSize(totalBytes);
    return bytes;
  }

  /**
   * Replicas in the format before .piece files: a pair never converted, one whose conversion was
   * cut after part of the meta was appended, and one converted whose .meta was not yet deleted.
   */
  @Test
  void legacyReplicasAreConvertedToPieceFilesAtOpen() throws IOException {
    DiskPieceStore store = open();
    List<PieceId> ids = List.of(new PieceId(0xaa01), new PieceId(0xaa02), new PieceId(0xbb03));
    List<ReplicaMeta> metas = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      metas.add(write(store, ids.get(i), randomBytes(70_000 + i, 10 + i)));
    }
    int[] legacyDataBytes = {70_000, 70_001 + 3}; // the second with 3 bytes of its meta appended
    for (int i = 0; i < 2; i++) {
      PieceId id = ids.get(i);
      byte[] whole = Files.readAllBytes(fileOf(store, id));
      Files.createDirectories(layout().pieceDir(id));
      Files.write(layout().legacyDataFile(id), Arrays.copyOf(whole, legacyDataBytes[i]));
      Files.write(layout().legacyMetaFile(id), metas.get(i).toByteArray());
      Files.delete(fileOf(store, id));
    }
    // The third as converted, its .meta not yet deleted.
    writeNamedFile(ids.get(2), randomBytes(70_002, 12), metas.get(2));
    Files.delete(fileOf(store, ids.get(2)));
    Files.write(layout().legacyMetaFile(ids.get(2)), metas.get(2).toByteArray());
    List<Path> synced = new CopyOnWriteArrayList<>();

    DiskPieceStore restarted = open(CLOCK, synced::add);

    assertThat(restarted.replicas()).containsExactlyInAnyOrderElementsOf(metas);
    for (int i = 0; i < ids.size(); i++) {
      PieceId id = ids.get(i);
      assertThat(PieceFile.readPiece(layout().pieceFile(id))).isEqualTo(randomBytes(70_000 + i, 10 + i));
      try (ReplicaReader reader = restarted.open(id)) {
        assertThat(reader.read(0, 70_000 + i).bytes().toByteArray()).isEqualTo(randomBytes(70_000 + i, 10 + i));
      }
    }
    try (Stream<Path> files = Files.walk(layout().piecesDir())) {
      assertThat(files.filter(f -> Files.isRegularFile(f) && f.toFile().length() > 0)
          .map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder(ids.stream().map(id -> id + ".piece").toArray(String[]::new));
    }
    assertThat(synced).as("each converted dir is synced before and after its .meta files go")
        .contains(layout().pieceDir(ids.get(0)), layout().pieceDir(ids.get(2)));
    assertThat(open().replicas()).containsExactlyInAnyOrderElementsOf(metas);
  }

  @Test
  void deleteRemovesFilesAndFreesTheSpace() throws IOException {
    DiskPieceStore store = open();
    PieceId pieceId = new PieceId(0x7fL);
    write(store, pieceId, randomBytes(70_000, 5));
    Path file = fileOf(store, pieceId);
    assertThat(store.usedBytes()).isEqualTo(70_000);
    ReplicaMeta listed = store.meta(pieceId).orElseThrow();

    assertThat(store.delete(listed)).isTrue();

    assertThat(store.usedBytes()).isZero();
    assertThat(store.replicaCount()).isZero();
    assertThat(file).doesNotExist();
    assertThat(store.delete(listed)).isFalse();
    assertThat(open().replicas()).isEmpty();
  }

  /** A delete ordered for the replica listed then leaves a replica of the piece written since (a fresh copy) alone. */
  @Test
  void aDeleteOfAReplicaReplacedSinceLeavesTheNewOneOnDisk() throws IOException {
    DiskPieceStore store = open();
    PieceId pieceId = new PieceId(0x42);
    ReplicaMeta ordered = write(store, pieceId, randomBytes(3000, 1));
    ReplicaMeta again = write(store, pieceId, randomBytes(3000, 2));

    assertThat(store.delete(ordered)).isFalse();

    assertThat(store.replicas()).containsExactly(again);
    assertThat(store.usedBytes()).isEqualTo(3000);
    assertThat(open().replicas()).as("after a restart too").extracting(ReplicaMeta::getCrc32C)
        .containsExactly(again.getCrc32C());
    assertThat(store.moveAsideCorrupt(again)).isPresent();
    assertThat(store.delete(again)).as("moved aside: nothing to delete").isFalse();
  }

  /** A reader finds the old replica corrupt after the piece was written again: the new one stays. */
  @Test
  void aCorruptReplicaReplacedSinceItWasReadIsNotMovedAsideAndTheNewOneStays() throws IOException {
    DiskPieceStore store = open();
    PieceId pieceId = new PieceId(0x41);
    ReplicaMeta read = write(store, pieceId, randomBytes(3000, 1));
    ReplicaMeta again = write(store, pieceId, randomBytes(3000, 2));

    assertThat(store.moveAsideCorrupt(read)).isEmpty();

    assertThat(store.replicas()).containsExactly(again);
    try (ReplicaReader reader = store.open(pieceId)) {
      assertThat(reader.read(0, 3000).bytes().toByteArray()).isEqualTo(randomBytes(3000, 2));
    }
    assertThat(store.moveAsideCorrupt(again)).isPresent();
    assertThat(store.replicas()).isEmpty();
  }

  @Test
  void corruptReplicasMovedAsideAreNoLongerListedAndOnlyTheNewestAreKept() throws IOException {
    DiskPieceStore store = open();
    int count = CorruptDir.CORRUPT_REPLICAS_KEPT_MAX + 4;
    List<ReplicaMeta> metas = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      metas.add(write(store, new PieceId(i), randomBytes(1000, i)));
    }
    String oldestName = fileOf(store, new PieceId(1)).getFileName().toString();
    String newestName = fileOf(store, new PieceId(count)).getFileName().toString();

    for (int i = 1; i <= count; i++) {
      assertThat(store.moveAsideCorrupt(metas.get(i - 1))).hasValueSatisfying(p -> assertThat(p).contains("corrupt"));
    }

    assertThat(store.moveAsideCorrupt(metas.get(0))).isEmpty();
    assertThat(store.replicas()).isEmpty();
    assertThat(store.usedBytes()).isZero();
    assertThatThrownBy(() -> store.open(new PieceId(count)))
        .satisfies(e -> assertThat(((HiroException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(filesIn(layout().corruptDir())).isEqualTo(CorruptDir.CORRUPT_REPLICAS_KEPT_MAX);
    // Named by age, piece id and old name (a spare's footer covers the slot in its name).
    String newest = String.format("%013d-%s-%s", CLOCK.millis(), new PieceId(count), newestName);
    assertThat(PieceFile.readPiece(layout().corruptDir().resolve(newest))).isEqualTo(randomBytes(1000, count));
    assertThat(layout().corruptDir().resolve(String.format("%013d-%s-%s", CLOCK.millis(), new PieceId(1), oldestName)))
        .doesNotExist();
    assertThat(nonEmptyFilesIn(layout().piecesDir())).isZero();
    assertThat(open().replicas()).isEmpty();
  }

  @Test
  void fullDiskIsResourceExhaustedAndOtherDiskErrorsAreUnavailable() {
    assertThat(DiskErrors.of(new IOException("No space left on device"), "w-1", "writing piece 1").code())
        .isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
    assertThat(DiskErrors.of(new IOException("Input/output error"), "w-1", "writing piece 1").code())
        .isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  void workerIdIsCreatedOnceAndKept() {
    WorkerId first = WorkerIdFile.loadOrCreate(layout());
    assertThat(WorkerIdFile.loadOrCreate(layout())).isEqualTo(first);
    assertThat(dir.resolve("worker-id")).exists();
  }
}
