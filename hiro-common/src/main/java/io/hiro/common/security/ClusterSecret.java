package io.hiro.common.security;

import io.hiro.common.HiroException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The cluster secret: 32 random bytes that the master, the workers and trusted clients share. It
 * never signs anything itself; each use gets its own key, {@link #key(Purpose)} =
 * HMAC-SHA256(secret, "hiro v1 " + purpose label), so a key leaked from one use opens no other.
 *
 * <p>On disk it is one line of 64 hex digits in an owner-only file (0600, see {@link OwnerOnlyFiles}),
 * by default {@value #FILE_NAME} in the master's data dir; in the environment it is the same 64 hex
 * digits in {@value #ENVIRONMENT_VARIABLE}. {@link #toString()} never shows the bytes, only a
 * {@link #fingerprint()} that tells two secrets apart in a log.
 */
public final class ClusterSecret {
  public static final String FILE_NAME = "cluster.secret";
  public static final String ENVIRONMENT_VARIABLE = "HIRO_SECRET";
  public static final int SECRET_BYTES = 32;
  static final String WHAT = "cluster secret file";

  /** What a key derived from the secret is for. The labels are part of the derivation: never change one. */
  public enum Purpose {
    /** Signs the piece tokens the master hands out and the workers check. */
    PIECE_TOKENS("piece-tokens"),
    /** Signs calls to the master from workers and trusted clients ({@link Role#CLUSTER}). */
    CLUSTER_CALLS("cluster-calls"),
    /** Signs calls from holders of a {@link ReadOnlyCredential} ({@link Role#READ_ONLY}). */
    READ_ONLY_CALLS("read-only-calls"),
    /** Names the secret in logs without revealing it. */
    FINGERPRINT("fingerprint");

    private final String label;

    Purpose(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private final HmacSha256 derivation;

  private ClusterSecret(byte[] secret) {
    this.derivation = new HmacSha256(secret);
  }

  /** A new secret from {@code random} (a {@link SecureRandom} outside tests). */
  public static ClusterSecret generate(SecureRandom random) {
    byte[] bytes = new byte[SECRET_BYTES];
    random.nextBytes(bytes);
    return new ClusterSecret(bytes);
  }

  /**
   * Creates a new secret in {@code dataDir}/{@value #FILE_NAME} (the dir 0700 if created here, the
   * file 0600). Refuses (ALREADY_EXISTS) if that file exists.
   */
  public static ClusterSecret createIn(Path dataDir) {
    return createAt(dataDir.resolve(FILE_NAME));
  }

  /** Creates a new secret in {@code file}, as {@link #createIn} does. */
  public static ClusterSecret createAt(Path file) {
    byte[] bytes = new byte[SECRET_BYTES];
    new SecureRandom().nextBytes(bytes);
    OwnerOnlyFiles.writeNew(file, (HexFormat.of().formatHex(bytes) + "\n").getBytes(StandardCharsets.US_ASCII), WHAT);
    return new ClusterSecret(bytes);
  }

  /** What the master does on start: the secret in its data dir, created there the first time. */
  public static ClusterSecret loadOrCreateIn(Path dataDir) {
    return loadOrCreateAt(dataDir.resolve(FILE_NAME));
  }

  /** The secret in {@code file}, created there (0600, its new dirs 0700) the first time. */
  public static ClusterSecret loadOrCreateAt(Path file) {
    return Files.exists(file) ? load(file) : createAt(file);
  }

  /**
   * Reads a secret file. Refuses a missing file (NOT_FOUND), one that group or others may read
   * (FAILED_PRECONDITION, with the {@code chmod 600} to run) and malformed content (INVALID_ARGUMENT).
   */
  public static ClusterSecret load(Path file) {
    String text = new String(OwnerOnlyFiles.readOwnerOnly(file, WHAT), StandardCharsets.US_ASCII).strip();
    if (text.startsWith(ReadOnlyCredential.PREFIX)) {
      throw HiroException.invalid("%s holds a read-only credential, not the cluster secret; "
          + "the cluster secret is %s in the master's data dir", file, FILE_NAME);
    }
    return new ClusterSecret(parseHex(text, WHAT + " " + file));
  }

  /** The secret from the value of {@value #ENVIRONMENT_VARIABLE}: 64 hex digits. */
  public static ClusterSecret fromEnvironment(String value) {
    if (value == null || value.isBlank()) {
      throw HiroException.invalid("%s is empty; set it to the 64 hex digits of the cluster secret file",
          ENVIRONMENT_VARIABLE);
    }
    return new ClusterSecret(parseHex(value.strip(), ENVIRONMENT_VARIABLE));
  }

  /** The key for one purpose: HMAC-SHA256(secret, "hiro v1 " + label), 32 bytes. */
  public byte[] key(Purpose purpose) {
    return derivation.sign(("hiro v1 " + purpose.label()).getBytes(StandardCharsets.US_ASCII));
  }

  /** The read-only credential of this cluster: the master recomputes it, so it needs no state. */
  public ReadOnlyCredential readOnlyCredential() {
    return new ReadOnlyCredential(key(Purpose.READ_ONLY_CALLS));
  }

  /** 8 hex digits derived one-way from the secret: equal on two nodes iff (almost surely) they share it. */
  public String fingerprint() {
    return HexFormat.of().formatHex(key(Purpose.FINGERPRINT), 0, 4);
  }

  @Override
  public String toString() {
    return "ClusterSecret[fingerprint " + fingerprint() + "]";
  }

  /** Parses 64 hex digits; {@code source} names where they came from, never the digits themselves. */
  static byte[] parseHex(String text, String source) {
    if (text.length() != 2 * SECRET_BYTES || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw HiroException.invalid("%s is malformed: expected one line of %d hex digits (made by "
          + "'hiro secret init'), found %d characters", source, 2 * SECRET_BYTES, text.length());
    }
    return HexFormat.of().parseHex(text);
  }
}
