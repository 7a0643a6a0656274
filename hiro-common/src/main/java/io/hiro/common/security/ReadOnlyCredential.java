package io.hiro.common.security;

import io.hiro.common.HiroException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * A credential that lets its holder list, stat and get, but never change anything: the
 * {@link ClusterSecret.Purpose#READ_ONLY_CALLS} key derived from the cluster secret, for a media
 * player or a backup job. The master recomputes it from the secret, so handing one out needs no
 * state on the master; it cannot be turned back into the secret. Revoking it means a new secret.
 *
 * <p>On disk: one line, {@value #PREFIX} followed by 64 hex digits, in an owner-only file (0600).
 * The prefix lets Hiro tell it from a cluster secret file and say so when one is given for the other.
 */
public final class ReadOnlyCredential {
  public static final String PREFIX = "hiro-read-only-v1:";
  static final String WHAT = "read-only credential file";

  private final byte[] key;

  ReadOnlyCredential(byte[] key) {
    this.key = key.clone();
  }

  /** Writes this credential to a new owner-only file; refuses (ALREADY_EXISTS) to overwrite one. */
  public void writeTo(Path file) {
    String line = PREFIX + HexFormat.of().formatHex(key) + "\n";
    OwnerOnlyFiles.writeNew(file, line.getBytes(StandardCharsets.US_ASCII), WHAT);
  }

  /** Reads a credential file, with the same refusals as {@link ClusterSecret#load}. */
  public static ReadOnlyCredential load(Path file) {
    String text = new String(OwnerOnlyFiles.readOwnerOnly(file, WHAT), StandardCharsets.US_ASCII).strip();
    if (!text.startsWith(PREFIX)) {
      throw HiroException.invalid("%s is not a read-only credential (it does not start with '%s'); "
          + "make one with 'hiro secret read-only'", file, PREFIX);
    }
    return new ReadOnlyCredential(ClusterSecret.parseHex(text.substring(PREFIX.length()), WHAT + " " + file));
  }

  /** The key that signs this holder's calls. */
  byte[] key() {
    return key.clone();
  }

  @Override
  public String toString() {
    return "ReadOnlyCredential[hidden]";
  }
}
