package io.hiro.client.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hiro.proto.PieceRef;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link DownloadFile} and {@link InOrderDigest}: pieces written in order, through the page cache and past it. */
class DownloadFileTest {
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  private static List<PieceRef> pieces(long size, long pieceSize) {
    List<PieceRef> pieces = new ArrayList<>();
    for (long offset = 0, i = 0; offset < size; offset += pieceSize, i++) {
      pieces.add(PieceRef.newBuilder().setIndex(i).setOffset(offset).setLength(Math.min(pieceSize, size - offset))
          .build());
    }
    return pieces;
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /**
   * Writes each piece from an array as long as the longest piece, reused for every piece (as
   * {@link ReadAhead}'s buffers are), with stale bytes past the piece's length.
   */
  private static void writeAll(DownloadFile file, List<PieceRef> pieces, byte[] content) throws Exception {
    byte[] buffer = new byte[(int) pieces.getFirst().getLength()];
    Arrays.fill(buffer, (byte) 0x5a);
    for (PieceRef piece : pieces) {
      int length = (int) piece.getLength();
      System.arraycopy(content, (int) piece.getOffset(), buffer, 0, length);
      BoundedParallel.await(file.write(piece, buffer, length), "writing");
    }
  }

  @ParameterizedTest(name = "pieces of {0} bytes, O_DIRECT allowed: {1}")
  @CsvSource({"1100000, false", "1100000, true", "1056768, false", "1056768, true"})
  void piecesWrittenInOrderMakeTheFile(int pieceSize, boolean allowDirect) throws Exception {
    byte[] content = random(3 * MIB + 12_345, 7); // several staging buffers per piece, and a short last piece
    List<PieceRef> pieces = pieces(content.length, pieceSize);
    Path path = dir.resolve("f");
    try (DownloadFile file = DownloadFile.create(path, pieces, allowDirect)) {
      // 1056768 = 258 blocks of 4 KiB: every piece starts on a block, so the bytes may go past the page cache
      if (allowDirect && pieceSize % 4096 == 0) {
        assumeTrue(file.direct(), "the temp dir's file system refuses O_DIRECT");
      } else {
        assertThat(file.direct()).isFalse();
      }
      writeAll(file, pieces, content);
      file.forceAll();
      // With O_DIRECT, all but the last bytes short of a block went past the page cache.
      assertThat(file.directBytes()).isEqualTo(file.direct() ? content.length - content.length % 4096 : 0);
    }
    assertThat(Files.readAllBytes(path)).isEqualTo(content);
  }

  @Test
  void aFileOfOnePieceIsWrittenOnTheCallersThread() throws Exception {
    byte[] content = random(2 * MIB + 100, 11);
    List<PieceRef> pieces = pieces(content.length, content.length);
    Path path = dir.resolve("f");
    try (DownloadFile file = DownloadFile.create(path, pieces, true)) {
      Future<?> written = file.write(pieces.getFirst(), content, content.length);
      assertThat(written).isDone();
      BoundedParallel.await(written, "writing");
    }
    assertThat(Files.readAllBytes(path)).isEqualTo(content);
  }

  @Test
  void closeWaitsForAWriteStillUnderWay() throws Exception {
    byte[] content = random(4 * MIB, 12);
    List<PieceRef> pieces = pieces(content.length, MIB);
    Path path = dir.resolve("f");
    try (DownloadFile file = DownloadFile.create(path, pieces, true)) {
      for (PieceRef piece : pieces) {
        // one array per piece, none awaited: the caller failed, say, and closes the file at once
        file.write(piece, Arrays.copyOfRange(content, (int) piece.getOffset(), (int) (piece.getOffset() + MIB)), MIB);
      }
    }
    assertThat(Files.readAllBytes(path)).isEqualTo(content);
  }

  @ParameterizedTest(name = "O_DIRECT allowed: {0}")
  @CsvSource({"false", "true"})
  void aStreamedPieceSentAgainFromItsStartReplacesThePartialBytesInTheFileAndTheDigest(boolean allowDirect)
      throws Exception {
    byte[] content = random(2 * MIB + 100, 11);
    List<PieceRef> pieces = pieces(content.length, MIB + 4096);
    Path path = dir.resolve("f");
    InOrderDigest digest = new InOrderDigest();
    try (DownloadFile file = DownloadFile.create(path, pieces, allowDirect)) {
      DownloadFile.PieceStream first = file.stream(pieces.getFirst());
      byte[] wrong = random(MIB + 7, 12);
      // a replica that failed part-way, its bytes partly written and hashed, then another from the start
      for (ByteBuffer data : List.of(ByteBuffer.wrap(wrong), ByteBuffer.wrap(content, 0, 1000),
          ByteBuffer.wrap(content, 1000, MIB + 4096 - 1000))) {
        long offset = data.array() == wrong ? 0 : data.position();
        digest.take(offset, data.duplicate());
        first.write(offset, data);
      }
      first.finish();
      digest.pieceDone();
      assertThatThrownBy(() -> first.write(5, ByteBuffer.wrap(new byte[1]))).isInstanceOf(IllegalStateException.class);
      DownloadFile.PieceStream second = file.stream(pieces.get(1));
      ByteBuffer rest = ByteBuffer.wrap(content, MIB + 4096, content.length - MIB - 4096).slice();
      digest.take(0, rest.duplicate());
      second.write(0, rest);
      second.finish();
      digest.pieceDone();
    }
    assertThat(Files.readAllBytes(path)).isEqualTo(content);
    assertThat(digest.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(content));
  }

  @Test
  void theWritesFlushTheDiskEvery64MiBOrSoButNotAfterTheLastPieceWhichForceAllMakesDurable() throws Exception {
    int pieceBytes = (int) (DownloadFile.FLUSH_BYTES / 2);
    byte[] buffer = random(pieceBytes, 13);
    List<PieceRef> large = pieces(5L * pieceBytes, pieceBytes); // flushed after pieces 1 and 3, not after 4, the last
    List<PieceRef> small = pieces(40 * 64 * 1024, 64 * 1024); // pieces of the smallest size: 2.5 MiB, never flushed
    for (List<PieceRef> pieces : List.of(large, small)) {
      try (DownloadFile file = DownloadFile.create(dir.resolve("f" + pieces.size()), pieces, true)) {
        for (PieceRef piece : pieces) {
          BoundedParallel.await(file.write(piece, buffer, (int) piece.getLength()), "writing");
        }
        assertThat(file.flushes()).isEqualTo(pieces == large ? 2 : 0);
        file.forceAll();
      }
    }
  }

  @Test
  void aFailedWriteIsRethrownByAwait() throws Exception {
    List<PieceRef> pieces = pieces(2 * MIB, MIB);
    try (DownloadFile file = DownloadFile.create(dir.resolve("f"), pieces, true)) {
      Future<?> written = file.write(pieces.getFirst(), new byte[100], MIB); // fewer bytes than the piece's length
      assertThatThrownBy(() -> BoundedParallel.await(written, "writing")).isInstanceOf(IndexOutOfBoundsException.class);
    }
  }
}
