package io.hiro.common.security;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 under one key, safe to share between threads. Each call clones an initialised
 * prototype instead of keeping a {@code Mac} per thread: Hiro serves most calls on virtual threads,
 * one per call, so a thread-local would be created and thrown away per call anyway, and a clone
 * costs less than {@code Mac.getInstance} plus {@code init}.
 */
final class HmacSha256 {
  static final String ALGORITHM = "HmacSHA256";
  static final int LENGTH_BYTES = 32;

  private final SecretKeySpec key;
  private final Mac prototype;

  HmacSha256(byte[] key) {
    this.key = new SecretKeySpec(key, ALGORITHM);
    this.prototype = newMac();
  }

  /** The MAC of {@code data[offset, offset + length)}. */
  byte[] sign(byte[] data, int offset, int length) {
    Mac mac = fresh();
    mac.update(data, offset, length);
    return mac.doFinal();
  }

  byte[] sign(byte[] data) {
    return sign(data, 0, data.length);
  }

  private Mac fresh() {
    try {
      return (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      return newMac(); // A provider that cannot clone; the JDK's SunJCE can.
    }
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("this JDK has no usable " + ALGORITHM, e);
    }
  }
}
