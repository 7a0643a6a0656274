package io.hiro.common.security;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Owner-only permissions for the daemons' data: a data dir is 0700 and every file a daemon creates
 * in it is 0600 from the moment it exists (the permissions are set at creation, never after, so
 * there is no instant at which another user could open it). On a file system without POSIX
 * permissions (Windows) nothing is set. The umask can only remove bits, so it never widens these.
 */
public final class OwnerOnly {
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
  private static final FileAttribute<?>[] NONE = new FileAttribute<?>[0];

  private OwnerOnly() {}

  /**
   * Makes {@code directory} a daemon's data dir: creates it and its missing parents (0700), and
   * takes group and others' access away from it if it existed with some. Returns the permissions
   * it had before when they were changed (for the daemon's log), else empty.
   */
  public static Optional<String> dataDirectory(Path directory) {
    OwnerOnlyFiles.createDirectories(directory);
    PosixFileAttributeView view = Files.getFileAttributeView(directory, PosixFileAttributeView.class);
    if (view == null) {
      return Optional.empty();
    }
    try {
      Set<PosixFilePermission> before = view.readAttributes().permissions();
      if (before.stream().noneMatch(GROUP_OR_OTHERS::contains)) {
        return Optional.empty();
      }
      view.setPermissions(DIRECTORY);
      return Optional.of(PosixFilePermissions.toString(before));
    } catch (IOException e) {
      throw new HiroException(ErrorCode.UNAVAILABLE, "cannot make data directory " + directory
          + " owner-only (chmod 700): " + e.getMessage() + "; check that this user owns it", e);
    }
  }

  /** Creates {@code directory} (inside a data dir) and its missing parents, 0700 each. */
  public static void createDirectories(Path directory) {
    OwnerOnlyFiles.createDirectories(directory);
  }

  /** Attributes that create a file 0600 in {@code directory} (which exists), or none without POSIX permissions. */
  public static FileAttribute<?>[] fileAttributes(Path directory) {
    return isPosix(directory) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : NONE;
  }

  /** Creates an empty owner-only file unless {@code file} exists; for files opened by APIs that take no attributes. */
  public static void createFileIfAbsent(Path file) throws IOException {
    try {
      Files.createFile(file, fileAttributes(file.toAbsolutePath().getParent()));
    } catch (FileAlreadyExistsException e) {
      // Kept as it is: an existing file is in the owner-only data dir already.
    }
  }

  static boolean isPosix(Path existing) {
    return existing != null && Files.getFileAttributeView(existing, PosixFileAttributeView.class) != null;
  }
}
