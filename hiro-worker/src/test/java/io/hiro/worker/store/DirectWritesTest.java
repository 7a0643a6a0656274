package io.hiro.worker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.nio.file.ExtendedOpenOption;
import io.hiro.common.Crc32c;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Replicas written with O_DIRECT through staging buffers, and without: the same bytes on disk either way. */
@Timeout(60)
class DirectWritesTest {
  private static final WorkerId WORKER = new WorkerId("w-direct");
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  static Stream<Arguments> shapes() {
    int[] lengths = {1, 4095, 4096, 4097, 65_536 + 3, MIB, MIB + 1, 3 * MIB + 123};
    int[] slices = {50_000, MIB, MIB + 7, 4096};
    Stream.Builder<Arguments> shapes = Stream.builder();
    for (boolean direct : new boolean[] {true, false}) {
      for (int i = 0; i < lengths.length; i++) {
        shapes.add(Arguments.of(direct, lengths[i], slices[i % slices.length]));
      }
    }
    return shapes.build();
  }

  @ParameterizedTest(name = "direct={0}, {1} bytes in slices of {2}")
  @MethodSource("shapes")
  void everyShapeOfPieceReadsBackByteForByte(boolean direct, int length, int slice) throws IOException {
    DiskPieceStore store = open(direct);
    byte[] bytes = new byte[length];
    new Random(length).nextBytes(bytes);
    PieceId pieceId = new PieceId(0x1000L + length);

    PieceWrite write = store.begin(identity(pieceId, length));
    for (int offset = 0; offset < length; offset += slice) {
      write.append(unalignedDirectCopy(bytes, offset, Math.min(slice, length - offset)));
    }
    ReplicaMeta meta = write.commit();

    assertThat(meta.getCrc32C()).isEqualTo(Crc32c.of(bytes, 0, length));
    assertThat(PieceFile.readPiece(store.fileOf(pieceId).orElseThrow())).isEqualTo(bytes);
    try (ReplicaReader reader = store.open(pieceId)) {
      assertThat(reader.read(0, length).bytes().toByteArray()).isEqualTo(bytes);
    }
    assertThat(nonEmptyFilesIn(new DataDirLayout(dir).piecesDir())).isEqualTo(1);
    if (!direct) {
      assertThat(store.directWrites().directBytes()).isZero();
    }
  }

  @Test
  void wholeBlocksGoWithODirectWhereTheFileSystemTakesItAndOnlyTheTailThroughThePageCache() throws IOException {
    assumeTrue(takesODirect(dir), "the temp dir's file system refuses O_DIRECT");
    DiskPieceStore store = open(true);
    int length = 2 * MIB + 5000;
    PieceWrite write = store.begin(identity(new PieceId(77), length));
    write.append(ByteBuffer.wrap(new byte[length]));
    write.commit();

    int alignment = store.directWrites().alignment();
    assertThat(store.directWrites().directBytes()).isEqualTo(length - length % alignment);
  }

  @Test
  void aPieceOfOneStagingBufferOrLessGoesWhollyThroughThePageCache() throws IOException {
    assumeTrue(takesODirect(dir), "the temp dir's file system refuses O_DIRECT");
    DiskPieceStore store = open(true);
    int id = 1;
    for (int length : new int[] {4096, 64 * 1024, DirectWrites.STAGING_BYTES}) {
      byte[] bytes = new byte[length];
      new Random(length).nextBytes(bytes);
      PieceWrite write = store.begin(identity(new PieceId(id), length));
      write.append(ByteBuffer.wrap(bytes));
      write.commit();
      assertThat(PieceFile.readPiece(store.fileOf(new PieceId(id++)).orElseThrow())).isEqualTo(bytes);
    }
    assertThat(store.directWrites().directBytes()).as("bytes written with O_DIRECT").isZero();

    int larger = DirectWrites.STAGING_BYTES + 4096;
    PieceWrite write = store.begin(identity(new PieceId(id), larger));
    write.append(ByteBuffer.wrap(new byte[larger]));
    write.commit();
    assertThat(store.directWrites().directBytes()).isEqualTo(larger);
  }

  @Test
  void anAbortedWriteLeavesNoFileAndItsBufferServesTheNext() throws IOException {
    DiskPieceStore store = open(true);
    PieceWrite aborted = store.begin(identity(new PieceId(5), 3 * MIB));
    aborted.append(ByteBuffer.wrap(new byte[MIB + 100]));
    assertThat(nonEmptyFilesIn(new DataDirLayout(dir).piecesDir())).isEqualTo(1);
    aborted.abort();
    assertThat(nonEmptyFilesIn(new DataDirLayout(dir).piecesDir())).isZero();

    byte[] bytes = new byte[MIB + 100];
    new Random(9).nextBytes(bytes);
    PieceWrite next = store.begin(identity(new PieceId(6), bytes.length));
    next.append(ByteBuffer.wrap(bytes));
    next.commit();
    assertThat(PieceFile.readPiece(store.fileOf(new PieceId(6)).orElseThrow())).isEqualTo(bytes);
  }

  private static ReplicaMeta identity(PieceId pieceId, long length) {
    return ReplicaMeta.newBuilder().setPieceId(pieceId.value()).setLength(length).setFileId(1).setPath("/f").build();
  }

  /** A direct buffer at an odd address, as Netty hands out message bytes. */
  private static ByteBuffer unalignedDirectCopy(byte[] bytes, int offset, int length) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(length + 3).position(3).slice();
    buffer.put(bytes, offset, length).flip();
    return buffer;
  }

  /** Files that hold bytes: replicas and writes in flight, not spares. */
  private static long nonEmptyFilesIn(Path path) throws IOException {
    try (Stream<Path> files = Files.walk(path)) {
      return files.filter(f -> Files.isRegularFile(f) && f.toFile().length() > 0).count();
    }
  }

  private final List<DiskPieceStore> stores = new ArrayList<>();

  private DiskPieceStore open(boolean direct) {
    DiskPieceStore store = DiskPieceStore.open(new DataDirLayout(dir), WORKER, Clock.systemUTC(), direct);
    stores.add(store);
    return store;
  }

  @AfterEach
  void closeStores() {
    stores.forEach(DiskPieceStore::close);
  }

  private static boolean takesODirect(Path dir) {
    Path probe = dir.resolve("o-direct-probe");
    try {
      Files.createFile(probe);
      try (FileChannel ignored = FileChannel.open(probe, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)) {
        return true;
      } finally {
        Files.delete(probe);
      }
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
