package io.hiro.worker.store;

import io.hiro.common.PieceId;
import io.hiro.proto.ReplicaMeta;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * A replica on disk as one {@code .piece} file: the piece's bytes, then its {@link ReplicaMeta},
 * then a footer of {@link #FOOTER_BYTES}: the meta's length (4 bytes), a CRC32C (4) and a magic (8).
 * The meta at the end is written last, so the file describes itself, whatever its name
 * ({@link DataDirLayout}); written into a spare, a replica costs one fsync.
 *
 * <p>Two footers. {@code HIROPC01}, in files named after their piece (written before spares, or
 * converted from the legacy format): the CRC32C of the meta. {@code HIROPC02}, in spares
 * ({@code slot-<16 hex digits>.piece}): the CRC32C of the slot's 64 bits, drawn from SecureRandom
 * when the spare was made and found nowhere but in its name, then the meta. A spare holds a
 * client's bytes before its meta is written, and a worker that stops meanwhile finds the file at
 * its next start: a footer a client put among its bytes would need the slot's bits to pass, so it
 * is taken for the unfinished write it is, not for a replica.
 */
public final class PieceFile {
  public static final String SUFFIX = ".piece";
  static final int FOOTER_BYTES = 16;
  /** "HIROPC01": Hiro piece file, format 1, named after its piece. */
  private static final long MAGIC_NAMED = 0x484952_4f50433031L;
  /** "HIROPC02": Hiro piece file, format 2, in a spare whose slot the CRC covers. */
  private static final long MAGIC_SLOT = 0x484952_4f50433032L;
  /** A meta longer than this is damage: a 1 GiB piece has 16,384 block CRCs, 64 KiB of them. */
  private static final int META_BYTES_MAX = 1 << 20;

  private PieceFile() {}

  /** Writes the meta and a {@code HIROPC01} footer right after the piece's bytes (at its length) in {@code file}. */
  static void writeMeta(FileChannel file, ReplicaMeta meta) throws IOException {
    write(file, meta, OptionalLong.empty());
  }

  /** Writes the meta and a {@code HIROPC02} footer for the spare of slot {@code slot} right after the piece's bytes. */
  static void writeMeta(FileChannel file, ReplicaMeta meta, long slot) throws IOException {
    write(file, meta, OptionalLong.of(slot));
  }

  private static void write(FileChannel file, ReplicaMeta meta, OptionalLong slot) throws IOException {
    byte[] bytes = meta.toByteArray();
    ByteBuffer trailer = ByteBuffer.allocate(bytes.length + FOOTER_BYTES);
    trailer.put(bytes).putInt(bytes.length).putInt(crc(slot, bytes))
        .putLong(slot.isPresent() ? MAGIC_SLOT : MAGIC_NAMED).flip();
    while (trailer.hasRemaining()) {
      file.write(trailer, meta.getLength() + trailer.position());
    }
  }

  private static int crc(OptionalLong slot, byte[] meta) {
    CRC32C crc = new CRC32C();
    if (slot.isPresent()) {
      crc.update(ByteBuffer.allocate(Long.BYTES).putLong(0, slot.getAsLong()));
    }
    crc.update(meta);
    return (int) crc.getValue();
  }

  /**
   * The slot of a file whose name ends with a spare's, {@code slot-<16 hex digits>.piece} (a spare,
   * or one moved to {@code corrupt/} under its piece id and its old name), or empty for any other name.
   */
  static OptionalLong slotOf(Path file) {
    String name = file.getFileName().toString();
    int start = name.length() - SUFFIX.length() - 16;
    if (!name.endsWith(SUFFIX) || start < SpareFiles.NAME_PREFIX.length()
        || !name.startsWith(SpareFiles.NAME_PREFIX, start - SpareFiles.NAME_PREFIX.length())) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(HexFormat.fromHexDigitsToLong(name, start, start + 16));
    } catch (IllegalArgumentException e) {
      return OptionalLong.empty();
    }
  }

  /** The size of a replica's file: its bytes, its meta and the footer. */
  static long sizeBytes(ReplicaMeta meta) {
    return meta.getLength() + meta.getSerializedSize() + FOOTER_BYTES;
  }

  /**
   * Reads the meta at the end of {@code file}, whose name is {@code name}; throws {@link Damaged}
   * if the file does not end with one that fits it and the footer its name calls for.
   */
  static ReplicaMeta readMeta(FileChannel file, Path name) throws IOException {
    long size = file.size();
    if (size < FOOTER_BYTES) {
      throw new Damaged("it has " + size + " bytes, fewer than a footer");
    }
    ByteBuffer footer = readAt(file, size - FOOTER_BYTES, FOOTER_BYTES);
    int metaBytes = footer.getInt();
    int crc = footer.getInt();
    long magic = footer.getLong();
    OptionalLong slot = slotOf(name);
    if (magic != (slot.isPresent() ? MAGIC_SLOT : MAGIC_NAMED)) {
      throw new Damaged(magic == MAGIC_SLOT || magic == MAGIC_NAMED
          ? "its footer is not the one its name calls for" : "it does not end with a piece footer");
    }
    if (metaBytes < 0 || metaBytes > META_BYTES_MAX || metaBytes > size - FOOTER_BYTES) {
      throw new Damaged("its footer gives a meta of " + metaBytes + " bytes");
    }
    ByteBuffer bytes = readAt(file, size - FOOTER_BYTES - metaBytes, metaBytes);
    if (crc(slot, bytes.array()) != crc) {
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
      return readMeta(channel, file);
    }
  }

  /** The piece's own bytes in a piece file, without its meta (for tools and tests). */
  public static byte[] readPiece(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return readAt(channel, 0, Math.toIntExact(readMeta(channel, file).getLength())).array();
    }
  }

  /**
   * The file in a data dir that holds a replica of {@code pieceId}, found by reading the footers
   * of its {@code .piece} files (for tools and tests: a worker knows where its replicas are). The
   * worker may be running: a file deleted while the dir is searched is not the one.
   */
  public static Optional<Path> find(DataDirLayout layout, PieceId pieceId) throws IOException {
    for (Path file : pieceFiles(layout.piecesDir())) {
      try {
        if (Files.isRegularFile(file) && readMeta(file).getPieceId() == pieceId.value()) {
          return Optional.of(file);
        }
      } catch (Damaged e) {
        // A spare, or not a whole replica: not the one looked for.
      } catch (NoSuchFileException e) {
        // Deleted since it was listed (a running worker deletes replicas on its own thread): not there.
      }
    }
    return Optional.empty();
  }

  /**
   * The piece files in {@code piecesDir} and its fan-out dirs, listed with directory streams, which
   * name what a dir holds without looking at each entry: {@code Files.walk} looks at each, and failed
   * with NoSuchFileException when a running worker deleted or renamed one meanwhile (seen in CI).
   */
  private static List<Path> pieceFiles(Path piecesDir) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(piecesDir)) {
      for (Path entry : entries) {
        if (entry.getFileName().toString().endsWith(SUFFIX)) {
          files.add(entry);
        } else if (Files.isDirectory(entry)) {
          try (DirectoryStream<Path> inDir = Files.newDirectoryStream(entry, "*" + SUFFIX)) {
            inDir.forEach(files::add);
          } catch (NoSuchFileException | NotDirectoryException e) {
            // Removed or replaced since it was listed.
          }
        }
      }
    }
    return files;
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
