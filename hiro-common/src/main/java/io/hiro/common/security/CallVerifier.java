package io.hiro.common.security;

import io.hiro.common.Checks;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The master's side of {@link CallCredentialFormat}: tells which {@link Role} signed a call, or
 * refuses it. Both roles' keys are derived from the cluster secret, so it needs no other state.
 * Every refusal is a {@link HiroException} with {@link ErrorCode#PERMISSION_DENIED} and a message
 * that says why but never echoes the credential. Thread-safe.
 */
public final class CallVerifier {
  /** How far the caller's clock may be from the master's. */
  public static final Duration WINDOW_DEFAULT = Duration.ofMinutes(5);

  private final Map<Role, HmacSha256> macs = new EnumMap<>(Role.class);
  private final long windowMillis;

  public CallVerifier(ClusterSecret secret, Duration window) {
    Checks.check(!window.isNegative() && !window.isZero(), "call credential window %s must be positive", window);
    for (Role role : Role.values()) {
      macs.put(role, CallCredentialFormat.macFor(secret.key(role.keyPurpose())));
    }
    this.windowMillis = window.toMillis();
  }

  /**
   * A credential that passed every check: the role that signed it, its time, and its replay key (the
   * first 8 bytes of its tag: a keyed hash of role, time, nonce and method) for a {@link ReplayCache}.
   */
  public record Verified(Role role, long millis, long replayKey) {}

  /** The role that signed {@code credential} for a call to {@code fullMethodName}, checked at {@code now}. */
  public Role verify(String credential, String fullMethodName, Instant now) {
    return check(credential, fullMethodName, now).role();
  }

  /** As {@link #verify}, with what a replay check needs. */
  public Verified check(String credential, String fullMethodName, Instant now) {
    if (credential == null || credential.isEmpty()) {
      throw denied("no credential: this master only serves callers that hold the cluster secret or a "
          + "read-only credential (give --secret-file)");
    }
    String[] fields = credential.length() <= CallCredentialFormat.VALUE_LENGTH_MAX ? fields(credential) : null;
    if (fields == null || !fields[0].equals(CallCredentialFormat.VERSION)) {
      throw denied("malformed credential (expected %s.ROLE.MILLIS.NONCE.TAG)", CallCredentialFormat.VERSION);
    }
    Optional<Role> role = Role.fromWireName(fields[1]);
    Optional<Long> millis = parseMillis(fields[2]);
    byte[] tag = decode(fields[4]);
    if (role.isEmpty() || millis.isEmpty() || tag == null || tag.length != HmacSha256.LENGTH_BYTES) {
      throw denied("malformed credential (unknown role, timestamp or tag)");
    }
    byte[] expected = macs.get(role.get())
        .sign(CallCredentialFormat.signedText(fields[1], millis.get(), fields[3], fullMethodName));
    if (!MessageDigest.isEqual(expected, tag)) {
      throw denied("credential for role %s has a bad signature: the caller holds another cluster secret or "
          + "credential (another cluster?)", fields[1]);
    }
    long skewMillis = millis.get() - now.toEpochMilli();
    if (Math.abs(skewMillis) > windowMillis) {
      throw denied("credential is %d s %s the master's clock, more than the %d s allowed: set both clocks right "
          + "(NTP)", Math.abs(skewMillis) / 1000, skewMillis > 0 ? "ahead of" : "behind", windowMillis / 1000);
    }
    return new Verified(role.get(), millis.get(), ByteBuffer.wrap(tag).getLong());
  }

  /** The five dot-separated fields of {@code credential}, or null if it has another number of them. */
  private static String[] fields(String credential) {
    String[] fields = new String[5];
    int start = 0;
    for (int i = 0; i < fields.length - 1; i++) {
      int dot = credential.indexOf('.', start);
      if (dot < 0) {
        return null;
      }
      fields[i] = credential.substring(start, dot);
      start = dot + 1;
    }
    if (credential.indexOf('.', start) >= 0) {
      return null;
    }
    fields[fields.length - 1] = credential.substring(start);
    return fields;
  }

  private static Optional<Long> parseMillis(String text) {
    // At most 15 digits: every date until the year 33000, and no overflow below.
    if (text.isEmpty() || text.length() > 15) {
      return Optional.empty();
    }
    long millis = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return Optional.empty();
      }
      millis = millis * 10 + (c - '0');
    }
    return Optional.of(millis);
  }

  private static byte[] decode(String text) {
    try {
      return Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static HiroException denied(String format, Object... args) {
    return new HiroException(ErrorCode.PERMISSION_DENIED, "call refused: " + String.format(format, args));
  }
}
