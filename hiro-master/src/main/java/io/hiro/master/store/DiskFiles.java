package io.hiro.master.store;

import io.hiro.common.security.OwnerOnly;
import java.io.BufferedInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/** {@link StoreFiles} on a real directory; every file it creates is owner-only (0600). */
public final class DiskFiles implements StoreFiles {
  private final Path directory;

  public DiskFiles(Path directory) throws IOException {
    this.directory = Files.createDirectories(directory);
  }

  public Path directory() {
    return directory;
  }

  @Override
  public List<String> list() throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
    }
  }

  @Override
  public byte[] read(String name) throws IOException {
    return Files.readAllBytes(directory.resolve(name));
  }

  @Override
  public InputStream open(String name) throws IOException {
    return new BufferedInputStream(Files.newInputStream(directory.resolve(name)), 64 * 1024);
  }

  /**
   * Appends through a {@link FileOutputStream}, not a {@link FileChannel}: an interrupt that reaches
   * a thread inside a channel's write or force closes the channel, which would fail the journal for
   * good; a stream's write and {@code FileDescriptor.sync()} are not interruptible.
   */
  @Override
  public Appender append(String name) throws IOException {
    Path path = directory.resolve(name);
    OwnerOnly.createFileIfAbsent(path);
    FileOutputStream out = new FileOutputStream(path.toFile(), true);
    return new Appender() {
      @Override
      public void write(byte[] bytes) throws IOException {
        out.write(bytes);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
      }

      @Override
      public void force() throws IOException {
        out.getFD().sync();
      }

      @Override
      public long sizeBytes() throws IOException {
        return Files.size(path);
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    };
  }

  @Override
  public void truncate(String name, long sizeBytes) throws IOException {
    try (FileChannel channel = FileChannel.open(directory.resolve(name), StandardOpenOption.WRITE)) {
      channel.truncate(sizeBytes);
      channel.force(true);
    }
  }

  @Override
  public void rename(String from, String to) throws IOException {
    Files.move(directory.resolve(from), directory.resolve(to), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void delete(String name) throws IOException {
    Files.deleteIfExists(directory.resolve(name));
  }

  @Override
  public void syncDirectory() throws IOException {
    // Linux lets a directory be opened for reading and fsynced; that makes its entries durable.
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
