package io.hiro.common.io;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * O_DIRECT file access, past the page cache, where the file system allows it. It wants the file
 * position, the length and the buffer's address aligned to the file system's block size
 * ({@link #alignment}); {@link #alignedBuffer} makes such buffers.
 */
public final class DirectIo {
  private DirectIo() {}

  /** The block size O_DIRECT needs for files in {@code dir}, or 0 if the file system does not say. */
  public static int alignment(Path dir) {
    try {
      long blockSize = Files.getFileStore(dir).getBlockSize();
      return blockSize > 0 && blockSize <= Integer.MAX_VALUE ? (int) blockSize : 0;
    } catch (IOException | UnsupportedOperationException e) {
      return 0;
    }
  }

  /** {@code file} opened with O_DIRECT and {@code options}, or empty where the file system refuses it. */
  public static Optional<FileChannel> open(Path file, OpenOption... options) {
    OpenOption[] all = new OpenOption[options.length + 1];
    System.arraycopy(options, 0, all, 0, options.length);
    all[options.length] = ExtendedOpenOption.DIRECT;
    try {
      return Optional.of(FileChannel.open(file, all));
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  /** A direct buffer of {@code bytes} whose address is a multiple of {@code alignment}. */
  public static ByteBuffer alignedBuffer(int bytes, int alignment) {
    return ByteBuffer.allocateDirect(bytes + alignment).alignedSlice(alignment).slice(0, bytes);
  }
}
