package io.hiro.client.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.proto.PieceRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void piecesLandingInAnyOrderGiveTheDigestOfTheWholeFile() throws Exception {
    byte[] content = new byte[(3 << 20) + 12_345]; // more than one read buffer per piece, and a short last piece
    new Random(7).nextBytes(content);
    List<PieceRef> pieces = pieces(content.length, 1_100_000);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < pieces.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(3));
    try (FileChannel file = FileChannel.open(dir.resolve("f"), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE); PrefixDigest digest = new PrefixDigest(file, pieces)) {
      for (int index : order) {
        PieceRef piece = pieces.get(index);
        file.write(ByteBuffer.wrap(content, (int) piece.getOffset(), (int) piece.getLength()), piece.getOffset());
        digest.landed(index);
      }
      assertThat(digest.finish()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(content));
    }
  }

  @Test
  void theDigestCoversWhatIsInTheFileNotWhatWasMeant() throws Exception {
    byte[] content = new byte[10_000];
    new Random(8).nextBytes(content);
    List<PieceRef> pieces = pieces(content.length, 4_000);
    try (FileChannel file = FileChannel.open(dir.resolve("f"), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE); PrefixDigest digest = new PrefixDigest(file, pieces)) {
      byte[] written = content.clone();
      written[5_000] ^= 1; // a bit flipped on its way to the disk
      file.write(ByteBuffer.wrap(written), 0);
      for (int i = 0; i < pieces.size(); i++) {
        digest.landed(i);
      }
      assertThat(digest.finish()).isNotEqualTo(MessageDigest.getInstance("SHA-256").digest(content))
          .isEqualTo(MessageDigest.getInstance("SHA-256").digest(written));
    }
  }

  @Test
  void aFileShorterThanItsPiecesFailsTheDigest() throws IOException {
    List<PieceRef> pieces = pieces(10_000, 4_000);
    try (FileChannel file = FileChannel.open(dir.resolve("f"), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE); PrefixDigest digest = new PrefixDigest(file, pieces)) {
      file.write(ByteBuffer.wrap(new byte[9_000]), 0);
      for (int i = 0; i < pieces.size(); i++) {
        digest.landed(i);
      }
      assertThatThrownBy(digest::finish).isInstanceOf(UncheckedIOException.class).hasMessageContaining("ended at 9000");
    }
  }

  @Test
  void closeBeforeEveryPieceLandedStopsTheThread() throws IOException {
    List<PieceRef> pieces = pieces(10_000, 4_000);
    try (FileChannel file = FileChannel.open(dir.resolve("f"), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      PrefixDigest digest = new PrefixDigest(file, pieces);
      file.write(ByteBuffer.wrap(new byte[4_000]), 0);
      digest.landed(0);
      digest.close(); // returns only once the hashing thread ended; a thread left waiting would hang here
      assertThat(file.isOpen()).isTrue();
    }
  }
}
