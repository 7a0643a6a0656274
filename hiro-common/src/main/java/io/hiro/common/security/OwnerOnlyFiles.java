package io.hiro.common.security;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Files that hold secrets: created owner-only (0600, directories 0700) with the permissions set at
 * creation, never changed after, never overwritten; read only while no one else may read them.
 *
 * <p>A new file is written under a temporary name, fsynced, and then hard-linked to its name: the
 * link fails if the name exists, so two writers cannot overwrite each other and a reader sees the
 * whole file or none. On a file system without hard links it falls back to a rename after a check.
 * On a file system without POSIX permissions (Windows) the permission rules are skipped.
 */
final class OwnerOnlyFiles {
  /** No secret file Hiro writes is larger; anything larger is not one of ours. */
  static final int SECRET_FILE_MAX_BYTES = 64 * 1024;

  private static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");
  private static final SecureRandom TEMP_NAMES = new SecureRandom();

  private OwnerOnlyFiles() {}

  /** Creates {@code directory} and its missing parents; the ones created here are 0700. */
  static void createDirectories(Path directory) {
    Path absolute = directory.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      return;
    }
    if (absolute.getParent() != null) {
      createDirectories(absolute.getParent());
    }
    try {
      if (OwnerOnly.isPosix(absolute.getParent())) {
        Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(OwnerOnly.DIRECTORY));
      } else {
        Files.createDirectory(absolute);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(absolute)) {
        throw HiroException.invalid("%s exists and is not a directory", absolute);
      }
    } catch (IOException e) {
      throw ioFailure("cannot create directory " + absolute, e);
    }
  }

  /** Refuses when {@code file} exists: secrets and keys are never overwritten. */
  static void requireAbsent(Path file, String what) {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw HiroException.exists("%s %s already exists; Hiro never overwrites one: move it away first "
          + "if you really mean to replace it", what, file);
    }
  }

  /**
   * Writes a new owner-only file (0600) with {@code content}, creating its directory (0700) if
   * needed. Fails with ALREADY_EXISTS if {@code file} exists, leaving it untouched.
   */
  static void writeNew(Path file, byte[] content, String what) {
    writeNew(file, content, what, OwnerOnly.FILE);
  }

  /** As {@link #writeNew}, for a file anyone may read (a certificate, 0644); its directory is still 0700 if new. */
  static void writeNewPublic(Path file, byte[] content, String what) {
    writeNew(file, content, what, PUBLIC_FILE);
  }

  private static void writeNew(Path file, byte[] content, String what, Set<PosixFilePermission> permissions) {
    Path target = file.toAbsolutePath();
    createDirectories(target.getParent());
    requireAbsent(target, what);
    Path temp = target.resolveSibling("." + target.getFileName() + "." + randomSuffix() + ".tmp");
    try {
      writeAndSync(temp, content, permissions);
      publish(temp, target, what);
      syncDirectory(target.getParent());
    } catch (IOException e) {
      throw ioFailure("cannot write " + what + " " + target, e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // Only a stray temp file is left; the secret itself is either fully written or absent.
      }
    }
  }

  /**
   * Reads a small file that must be readable by its owner only, like ssh does for private keys.
   * Missing: NOT_FOUND; open to group or others: FAILED_PRECONDITION with the chmod to run;
   * too large: INVALID_ARGUMENT.
   */
  static byte[] readOwnerOnly(Path file, String what) {
    try {
      if (!Files.isRegularFile(file)) {
        throw Files.exists(file)
            ? HiroException.invalid("%s %s is not a regular file", what, file)
            : HiroException.notFound("%s %s does not exist", what, file);
      }
      requireOwnerOnly(file, what);
      if (Files.size(file) > SECRET_FILE_MAX_BYTES) {
        throw HiroException.invalid("%s %s is larger than %d bytes: not a file Hiro wrote", what, file,
            SECRET_FILE_MAX_BYTES);
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw HiroException.notFound("%s %s does not exist", what, file);
    } catch (IOException e) {
      throw ioFailure("cannot read " + what + " " + file, e);
    }
  }

  /** Refuses a file that its group or others may read, write or execute. */
  static void requireOwnerOnly(Path file, String what) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> permissions = view.readAttributes().permissions();
    if (permissions.stream().anyMatch(OwnerOnly.GROUP_OR_OTHERS::contains)) {
      throw HiroException.precondition("%s %s is open to group or others (%s); only its owner may read it: "
          + "run 'chmod 600 %s'", what, file, PosixFilePermissions.toString(permissions), file);
    }
  }

  private static void writeAndSync(Path temp, byte[] content, Set<PosixFilePermission> permissions)
      throws IOException {
    FileAttribute<?>[] attributes = OwnerOnly.isPosix(temp.getParent())
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
        : new FileAttribute<?>[0];
    Files.createFile(temp, attributes);
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
  }

  /** Gives {@code temp} its final name without ever replacing an existing file. */
  private static void publish(Path temp, Path target, String what) throws IOException {
    try {
      Files.createLink(target, temp);
    } catch (FileAlreadyExistsException e) {
      requireAbsent(target, what);
      throw e;
    } catch (UnsupportedOperationException | IOException e) {
      requireAbsent(target, what);
      Files.move(temp, target);
    }
  }

  private static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory; the file itself was fsynced before it got its name.
    }
  }

  private static String randomSuffix() {
    byte[] bytes = new byte[6];
    TEMP_NAMES.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static HiroException ioFailure(String what, IOException e) {
    return new HiroException(ErrorCode.UNAVAILABLE, what + ": " + e.getMessage(), e);
  }
}
