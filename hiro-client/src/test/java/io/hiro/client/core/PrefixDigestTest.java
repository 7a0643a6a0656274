package io.hiro.client.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hiro.proto.PieceRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link PrefixDigest} over a {@link DownloadFile}, through the page cache and past it. */
class PrefixDigestTest {
  @TempDir Path dir;

  private static List<PieceRef> pieces(long size, long pieceSize) {
    List<PieceRef> pieces = new ArrayList<>();
    for (long offset = 0, i = 0; offset < size; offset += pieceSize, i++) {
      pieces.add(PieceRef.newBuilder().setIndex(i).setOffset(offset).setLength(Math.min(pieceSize, size - offset))
          .build());
    }
    return pieces;
  }

  private static final int MIB = 1 << 20;

  /** Writes {@code bytes} as piece {@code piece}'s content through the file's piece writer. */
  private static void land(DownloadFile file, PieceRef piece, byte[] bytes) {
    try (DownloadFile.PieceWrite write = file.piece(piece)) {
      // messages of odd sizes, as they come off the network
      for (int at = 0; at < bytes.length; ) {
        int length = Math.min(bytes.length - at, 300_001);
        write.write(at, ByteBuffer.wrap(bytes, at, length));
        at += length;
      }
      write.finish();
    }
  }

  private static byte[] slice(byte[] content, PieceRef piece) {
    return Arrays.copyOfRange(content, (int) piece.getOffset(), (int) (piece.getOffset() + piece.getLength()));
  }

  @ParameterizedTest(name = "pieces of {0} bytes, O_DIRECT allowed: {1}")
  @CsvSource({"1100000, false", "1100000, true", "1056768, false", "1056768, true"})
  void piecesLandingInAnyOrderGiveTheDigestOfTheWholeFileAndItsBytes(int pieceSize, boolean allowDirect)
      throws Exception {
    byte[] content = new byte[(3 * MIB) + 12_345]; // more than one read buffer per piece, and a short last piece
    new Random(7).nextBytes(content);
    List<PieceRef> pieces = pieces(content.length, pieceSize);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < pieces.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(3));
    Path path = dir.resolve("f");
    try (DownloadFile file = DownloadFile.create(path, pieces, allowDirect);
        PrefixDigest digest = new PrefixDigest(file, pieces)) {
      // 1056768 = 258 blocks of 4 KiB: every piece starts on a block, so the bytes may go past the page cache
      boolean aligned = pieceSize % 4096 == 0;
      if (allowDirect && aligned) {
        assumeTrue(file.direct(), "the temp dir's file system refuses O_DIRECT");
      } else {
        assertThat(file.direct()).isFalse();
      }
      for (int index : order) {
        land(file, pieces.get(index), slice(content, pieces.get(index)));
        digest.landed(index);
      }
      assertThat(digest.finish()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(content));
      file.forceAll();
      if (file.direct()) {
        assertThat(file.directBytes()).isEqualTo(content.length - content.length % 4096);
      } else {
        assertThat(file.directBytes()).isZero();
      }
    }
    assertThat(Files.readAllBytes(path)).isEqualTo(content);
  }

  @ParameterizedTest(name = "O_DIRECT allowed: {0}")
  @CsvSource({"false", "true"})
  void aPieceSentAgainFromItsStartAfterAFailedReplicaReplacesThePartialBytes(boolean allowDirect) throws Exception {
    byte[] content = new byte[2 * MIB + 100];
    new Random(11).nextBytes(content);
    List<PieceRef> pieces = pieces(content.length, content.length);
    Path path = dir.resolve("f");
    try (DownloadFile file = DownloadFile.create(path, pieces, allowDirect);
        PrefixDigest digest = new PrefixDigest(file, pieces)) {
      try (DownloadFile.PieceWrite write = file.piece(pieces.get(0))) {
        byte[] wrong = new byte[MIB + 4096 + 7];
        write.write(0, ByteBuffer.wrap(wrong)); // a replica that failed part-way, its bytes partly written
        write.write(0, ByteBuffer.wrap(content, 0, 1000));
        write.write(1000, ByteBuffer.wrap(content, 1000, content.length - 1000));
        write.finish();
        assertThatThrownBy(() -> write.write(5, ByteBuffer.wrap(new byte[1]))).isInstanceOf(IllegalStateException.class);
      }
      digest.landed(0);
      assertThat(digest.finish()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(content));
    }
    assertThat(Files.readAllBytes(path)).isEqualTo(content);
  }

  @Test
  void theDigestCoversWhatIsInTheFileNotWhatWasMeant() throws Exception {
    byte[] content = new byte[10_000];
    new Random(8).nextBytes(content);
    List<PieceRef> pieces = pieces(content.length, 4_000);
    try (DownloadFile file = DownloadFile.create(dir.resolve("f"), pieces, true);
        PrefixDigest digest = new PrefixDigest(file, pieces)) {
      byte[] written = content.clone();
      written[5_000] ^= 1; // a bit flipped on its way to the disk
      for (PieceRef piece : pieces) {
        land(file, piece, slice(written, piece));
        digest.landed((int) piece.getIndex());
      }
      assertThat(digest.finish()).isNotEqualTo(MessageDigest.getInstance("SHA-256").digest(content))
          .isEqualTo(MessageDigest.getInstance("SHA-256").digest(written));
    }
  }

  @Test
  void aFileShorterThanItsPiecesFailsTheDigest() throws IOException {
    List<PieceRef> pieces = pieces(10_000, 4_000);
    try (DownloadFile file = DownloadFile.create(dir.resolve("f"), pieces, true);
        PrefixDigest digest = new PrefixDigest(file, pieces)) {
      land(file, pieces.get(0), new byte[4_000]);
      land(file, pieces.get(1), new byte[4_000]);
      land(file, pieces.get(2), new byte[1_000]);
      for (int i = 0; i < pieces.size(); i++) {
        digest.landed(i);
      }
      assertThatThrownBy(digest::finish).isInstanceOf(UncheckedIOException.class).hasMessageContaining("ended at 9000");
    }
  }

  @Test
  void closeBeforeEveryPieceLandedStopsTheThread() throws IOException {
    List<PieceRef> pieces = pieces(10_000, 4_000);
    try (DownloadFile file = DownloadFile.create(dir.resolve("f"), pieces, true)) {
      PrefixDigest digest = new PrefixDigest(file, pieces);
      land(file, pieces.get(0), new byte[4_000]);
      digest.landed(0);
      digest.close(); // returns only once the hashing thread ended; a thread left waiting would hang here
      land(file, pieces.get(1), new byte[4_000]); // the file is still usable
    }
  }
}
