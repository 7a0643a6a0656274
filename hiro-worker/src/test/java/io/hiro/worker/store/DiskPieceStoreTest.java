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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class DiskPieceStoreTest {
  private static final WorkerId WORKER = new WorkerId("w-test");
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);

  @TempDir Path dir;

  private DataDirLayout layout() {
    return new DataDirLayout(dir);
  }

  private DiskPieceStore open() {
    return DiskPieceStore.open(layout(), WORKER, CLOCK);
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
    Path file = dir.resolve("pieces/ab/abcdef0123456789.piece");
    assertThat(filesIn(dir.resolve("pieces"))).as("one file per replica").isEqualTo(1);
    assertThat(PieceFile.readPiece(file)).isEqualTo(bytes);
    assertThat(PieceFile.readMeta(file)).isEqualTo(meta);
    assertThat(Files.size(file)).isEqualTo(bytes.length + meta.getSerializedSize() + PieceFile.FOOTER_BYTES);
    try (ReplicaReader reader = store.open(pieceId)) {
      assertThat(reader.read(0, bytes.length)).isEqualTo(bytes);
      assertThat(reader.read(70_000, 1000)).isEqualTo(java.util.Arrays.copyOfRange(bytes, 70_000, 71_000));
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
    Path file = layout().pieceFile(pieceId);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(new byte[] {(byte) ~bytes[150_000]}), 150_000);
    }

    try (ReplicaReader reader = store.open(pieceId)) {
      assertThat(reader.read(0, 1000)).isEqualTo(java.util.Arrays.copyOf(bytes, 1000));
      assertThatThrownBy(() -> reader.read(140_000, 20_000))
          .isInstanceOf(HiroException.class)
          .satisfies(e -> assertThat(((HiroException) e).code()).isEqualTo(ErrorCode.DATA_LOSS))
          .hasMessageContaining(pieceId.toString())
          .hasMessageContaining(WORKER.value());
    }
  }

  @Test
  void aNewFanOutDirIsMadeDurableInPiecesBeforeItsFirstReplicaIsAcknowledged() {
    List<Path> synced = new CopyOnWriteArrayList<>();
    DiskPieceStore store = DiskPieceStore.open(layout(), WORKER, CLOCK, synced::add);
    synced.clear();

    write(store, new PieceId(0xab00000000000001L), randomBytes(10, 1));
    write(store, new PieceId(0xab00000000000002L), randomBytes(10, 2));
    write(store, new PieceId(0xcd00000000000003L), randomBytes(10, 3));

    Path pieces = layout().piecesDir();
    assertThat(synced).containsExactly(pieces, pieces.resolve("ab"), pieces.resolve("ab"), pieces,
        pieces.resolve("cd"));
  }

  @Test
  void abortLeavesNothingBehind() throws IOException {
    DiskPieceStore store = open();
    PieceId pieceId = new PieceId(42);
    PieceWrite write = store.begin(identity(pieceId, 1000));
    write.append(ByteBuffer.wrap(randomBytes(500, 3)));
    assertThat(filesIn(layout().tmpDir())).isEqualTo(1);

    write.abort();

    assertThat(filesIn(dir.resolve("tmp"))).isZero();
    assertThat(filesIn(dir.resolve("pieces"))).isZero();
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
  void restartListsCommittedReplicasAndEmptiesTmpAndDropsUnfinishedData() throws IOException {
    DiskPieceStore store = open();
    PieceId kept = new PieceId(0x0102030405060708L);
    ReplicaMeta meta = write(store, kept, randomBytes(100_000, 4));
    store.begin(identity(new PieceId(99), 10)).append(ByteBuffer.wrap(new byte[5])); // in flight at the "crash"
    PieceId unfinished = new PieceId(0x0900000000000000L);
    Files.createDirectories(layout().pieceDir(unfinished));
    Files.write(layout().legacyDataFile(unfinished), new byte[10]); // legacy format: renamed data, meta never written

    DiskPieceStore restarted = open();

    assertThat(restarted.replicas()).containsExactly(meta);
    assertThat(restarted.usedBytes()).isEqualTo(100_000);
    assertThat(filesIn(layout().tmpDir())).isZero();
    assertThat(Files.exists(layout().legacyDataFile(unfinished))).isFalse();
  }

  @Test
  void aPieceFileThatDoesNotDescribeItselfIsSkippedAndLeftForAPerson() throws IOException {
    DiskPieceStore store = open();
    ReplicaMeta good = write(store, new PieceId(0x21), randomBytes(5000, 1));
    write(store, new PieceId(0x22), randomBytes(5000, 2));
    write(store, new PieceId(0x23), randomBytes(5000, 3));
    Path cut = layout().pieceFile(new PieceId(0x22));
    try (FileChannel channel = FileChannel.open(cut, StandardOpenOption.WRITE)) {
      channel.truncate(channel.size() - 1); // the footer's last byte is gone
    }
    Path flipped = layout().pieceFile(new PieceId(0x23));
    byte[] bytes = Files.readAllBytes(flipped);
    bytes[5002] ^= 1; // inside the meta: its CRC32C no longer matches
    Files.write(flipped, bytes);

    DiskPieceStore restarted = open();

    assertThat(restarted.replicas()).containsExactly(good);
    assertThat(cut).exists();
    assertThat(flipped).exists();
  }

  /**
   * Replicas in the format before .piece files: a pair never converted, one whose conversion was
   * cut after part of the meta was appended, and one converted whose .meta was not yet deleted.
   */
  @Test
  void legacyReplicasAreConvertedToPieceFilesAtOpen() throws IOException {
    DiskPieceStore store = open();
    List<PieceId> ids = List.of(new PieceId(0xaa01), new PieceId(0xaa02), new PieceId(0xbb03));
    List<ReplicaMeta> metas = new java.util.ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      metas.add(write(store, ids.get(i), randomBytes(70_000 + i, 10 + i)));
    }
    int[] legacyDataBytes = {70_000, 70_001 + 3}; // the second with 3 bytes of its meta appended
    for (int i = 0; i < 2; i++) {
      PieceId id = ids.get(i);
      byte[] whole = Files.readAllBytes(layout().pieceFile(id));
      Files.write(layout().legacyDataFile(id), java.util.Arrays.copyOf(whole, legacyDataBytes[i]));
      Files.write(layout().legacyMetaFile(id), metas.get(i).toByteArray());
      Files.delete(layout().pieceFile(id));
    }
    Files.write(layout().legacyMetaFile(ids.get(2)), metas.get(2).toByteArray());
    List<Path> synced = new CopyOnWriteArrayList<>();

    DiskPieceStore restarted = DiskPieceStore.open(layout(), WORKER, CLOCK, synced::add);

    assertThat(restarted.replicas()).containsExactlyInAnyOrderElementsOf(metas);
    for (int i = 0; i < ids.size(); i++) {
      PieceId id = ids.get(i);
      assertThat(PieceFile.readPiece(layout().pieceFile(id))).isEqualTo(randomBytes(70_000 + i, 10 + i));
      try (ReplicaReader reader = restarted.open(id)) {
        assertThat(reader.read(0, 70_000 + i)).isEqualTo(randomBytes(70_000 + i, 10 + i));
      }
    }
    try (Stream<Path> files = Files.walk(layout().piecesDir())) {
      assertThat(files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()))
          .allSatisfy(name -> assertThat(name).endsWith(".piece")).hasSize(3);
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
    assertThat(store.usedBytes()).isEqualTo(70_000);

    assertThat(store.delete(pieceId)).isTrue();

    assertThat(store.usedBytes()).isZero();
    assertThat(store.replicaCount()).isZero();
    assertThat(Files.exists(layout().pieceFile(pieceId))).isFalse();
    assertThat(store.delete(pieceId)).isFalse();
    assertThat(open().replicas()).isEmpty();
  }

  @Test
  void corruptReplicasMovedAsideAreNoLongerListedAndOnlyTheNewestAreKept() throws IOException {
    DiskPieceStore store = open();
    int count = CorruptDir.CORRUPT_REPLICAS_KEPT_MAX + 4;
    for (int i = 1; i <= count; i++) {
      write(store, new PieceId(i), randomBytes(1000, i));
    }

    for (int i = 1; i <= count; i++) {
      assertThat(store.moveAsideCorrupt(new PieceId(i))).hasValueSatisfying(p -> assertThat(p).contains("corrupt"));
    }

    assertThat(store.moveAsideCorrupt(new PieceId(1))).isEmpty();
    assertThat(store.replicas()).isEmpty();
    assertThat(store.usedBytes()).isZero();
    assertThatThrownBy(() -> store.open(new PieceId(count)))
        .satisfies(e -> assertThat(((HiroException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(filesIn(layout().corruptDir())).isEqualTo(CorruptDir.CORRUPT_REPLICAS_KEPT_MAX);
    String newest = String.format("%013d-%s", CLOCK.millis(), new PieceId(count));
    assertThat(PieceFile.readPiece(layout().corruptDir().resolve(newest + ".piece"))).isEqualTo(randomBytes(1000, count));
    assertThat(layout().corruptDir().resolve(String.format("%013d-%s.piece", CLOCK.millis(), new PieceId(1))))
        .doesNotExist();
    assertThat(filesIn(layout().piecesDir())).isZero();
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
