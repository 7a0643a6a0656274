package io.hiro.worker.store;

import io.hiro.common.Crc32c;
import io.hiro.common.PieceId;
import io.hiro.proto.ReplicaMeta;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A replica on disk as one {@code .piece} file: the piece's bytes, then its {@link ReplicaMeta},
 * then a footer of {@link #FOOTER_BYTES}: the meta's length (4 bytes), the CRC32C of the meta (4)
 * and the magic {@code HIROPC01} (8). The meta at the end is written last, so the file describes
 * itself, whatever its name ({@link DataDirLayout}); written into a spare, a replica costs one fsync.
 */
public final class PieceFile {
  public static final String SUFFIX = ".piece";
  static final int FOOTER_BYTES = 16;
  /** "HIROPC01": Hiro piece file, format 1. */
  private static final long MAGIC = 0x484952_4f50433031L;
  /** A meta longer than this is damage: a 1 GiB piece has 16,384 block CRCs, 64 KiB of them. */
  private static final int META_BYTES_MAX = 1 << 20;

  private PieceFile() {}

  /** Writes the meta and the footer right after the piece's bytes (at its length) in {@code file}. */
  static void writeMeta(FileChannel file, ReplicaMeta meta) throws IOException {
    byte[] bytes = meta.toByteArray();
    ByteBuffer trailer = ByteBuffer.allocate(bytes.length + FOOTER_BYTES);
    trailer.put(bytes).putInt(bytes.length).putInt(Crc32c.of(ByteBuffer.wrap(bytes))).putLong(MAGIC).flip();
    while (trailer.hasRemaining()) {
      file.write(trailer, meta.getLength() + trailer.position());
    }
  }

  /** The size of a replica's file: its bytes, its meta and the footer. */
  static long sizeBytes(ReplicaMeta meta) {
    return meta.getLength() + meta.getSerializedSize() + FOOTER_BYTES;
  }

  /** Reads the meta at the end of {@code file}; throws {@link Damaged} if the file does not end with one that fits it. */
  static ReplicaMeta readMeta(FileChannel file) throws IOException {
    long size = file.size();
    if (size < FOOTER_BYTES) {
      throw new Damaged("it has " + size + " bytes, fewer than a footer");
    }
    ByteBuffer footer = readAt(file, size - FOOTER_BYTES, FOOTER_BYTES);
    int metaBytes = footer.getInt();
    int crc = footer.getInt();
    if (footer.getLong() != MAGIC) {
      throw new Damaged("it does not end with a piece footer");
    }
    if (metaBytes < 0 || metaBytes > META_BYTES_MAX || metaBytes > size - FOOTER_BYTES) {
      throw new Damaged("its footer gives a meta of " + metaBytes + " bytes");
    }
    ByteBuffer bytes = readAt(file, size - FOOTER_BYTES - metaBytes, metaBytes);
    if (Crc32c.of(bytes.duplicate()) != crc) {
      throw new Damaged("its meta fails its CRC32C");
    }
    ReplicaMeta meta = ReplicaMeta.parseFrom(bytes);
    if (meta.getLength() != size - FOOTER_BYTES - metaBytes) {
      throw new Damaged("its meta gives " + meta.getLength() + " bytes of piece, the file holds "
          + (size - FOOTER_BYTES - metaBytes));
    }
    return meta;
  }

  /** The meta at the end of a piece file (for tools and tests). */
  public static ReplicaMeta readMeta(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return readMeta(channel);
    }
  }

  /** The piece's own bytes in a piece file, without its meta (for tools and tests). */
  public static byte[] readPiece(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return readAt(channel, 0, Math.toIntExact(readMeta(channel).getLength())).array();
    }
  }

  /**
   * The file in a data dir that holds a replica of {@code pieceId}, found by reading the footers
   * of its {@code .piece} files (for tools and tests: a worker knows where its replicas are).
   */
  public static Optional<Path> find(DataDirLayout layout, PieceId pieceId) throws IOException {
    try (Stream<Path> files = Files.walk(layout.piecesDir(), 2)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(f))
          .toList()) {
        try {
          if (readMeta(file).getPieceId() == pieceId.value()) {
            return Optional.of(file);
          }
        } catch (Damaged e) {
          // A spare, or not a whole replica: not the one looked for.
        }
      }
    }
    return Optional.empty();
  }

  private static ByteBuffer readAt(FileChannel file, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (file.read(buffer, position + buffer.position()) < 0) {
        throw new Damaged("it ended while its meta was read");
      }
    }
    return buffer.flip();
  }

  /** A piece file that does not describe itself: cut short, overwritten, or not a piece file. */
  static final class Damaged extends IOException {
    Damaged(String message) {
      super(message);
    }
  }
}
