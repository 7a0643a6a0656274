package io.hiro.client.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.Crc32c;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The hash pass gives the file's SHA-256 and each piece's CRC32C as {@code Crc32c.of} would compute
 * them from the piece's bytes, read in buffers of up to 1 MiB that cut across pieces, and the same
 * SHA-256 as a file read whole. Bytes past the size the stat gave (a file that grew) are counted,
 * not hashed into any piece.
 */
class FileDigestTest {
  @Property(tries = 60)
  void theHashAndEachPiecesCrcMatchTheBytes(@ForAll @IntRange(min = 0, max = 3 * 1024 * 1024) int size,
      @ForAll @LongRange(min = 1, max = 2 * 1024 * 1024) long pieceSize, @ForAll @IntRange(min = 0, max = 2) int grown)
      throws IOException, NoSuchAlgorithmException {
    byte[] bytes = new byte[size + grown];
    new Random(size * 31L + pieceSize).nextBytes(bytes);
    Path file = Files.createTempFile("digest", ".bin");
    try {
      Files.write(file, bytes);
      long[] counted = new long[1];
      FileDigest.Hashed read;
      try (FileChannel channel = FileChannel.open(file)) {
        read = FileDigest.sha256(channel, size, pieceSize, counted);
      }

      assertThat(counted[0]).isEqualTo(size + grown);
      if (grown == 0) {
        assertThat(read.sha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(FileDigest.sha256(bytes, size).sha256()).isEqualTo(read.sha256());
      }
      int pieces = (int) ((size + pieceSize - 1) / pieceSize);
      assertThat(read.pieceCrc32cs()).hasSize(pieces);
      for (int i = 0; i < pieces; i++) {
        int from = (int) (i * pieceSize);
        int length = (int) Math.min(pieceSize, size - from);
        assertThat(read.pieceCrc32cs()[i]).as("piece %d", i).isEqualTo(Crc32c.of(bytes, from, length));
      }
    } finally {
      Files.delete(file);
    }
  }

  @Property(tries = 30)
  void aSmallFileReadWholeHoldsItsBytesAndShowsThatItGrew(@ForAll @IntRange(min = 0, max = 70_000) int size,
      @ForAll @IntRange(min = 0, max = 2) int grown) throws IOException {
    byte[] bytes = new byte[size + grown];
    new Random(size).nextBytes(bytes);
    Path file = Files.createTempFile("whole", ".bin");
    try {
      Files.write(file, bytes);
      long[] counted = new long[1];
      byte[] content;
      try (FileChannel channel = FileChannel.open(file)) {
        content = FileDigest.readWhole(channel, size, counted);
      }

      assertThat(counted[0]).isEqualTo(Math.min(size + grown, size + 1L));
      assertThat(java.util.Arrays.copyOf(content, (int) Math.min(counted[0], size)))
          .isEqualTo(java.util.Arrays.copyOf(bytes, size));
    } finally {
      Files.delete(file);
    }
  }
}
