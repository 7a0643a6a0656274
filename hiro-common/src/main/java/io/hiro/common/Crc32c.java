package io.hiro.common;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C helpers: the JDK's intrinsic implementation, and {@link #combine}, which gives the CRC of
 * two strings one after the other from the CRCs of each, so that bytes already checksummed in
 * parts (blocks, messages) need no second pass for the CRC of the whole.
 */
public final class Crc32c {
  /** CRC32C's (Castagnoli's) polynomial, bit-reversed as the CRC is computed. */
  private static final int POLYNOMIAL = 0x82f63b78;
  /**
   * {@code x^(2^k)} modulo the polynomial, for every k a length in bits of a long can need (zlib's
   * {@code x2n_table}, whose 32 entries repeat for CRC-32's polynomial but not for this one).
   */
  private static final int[] X_TO_2_TO_THE = new int[3 + 64];

  static {
    int p = 1 << 30; // x^1
    X_TO_2_TO_THE[0] = p;
    for (int k = 1; k < X_TO_2_TO_THE.length; k++) {
      p = multiplyModP(p, p);
      X_TO_2_TO_THE[k] = p;
    }
  }

  private Crc32c() {}

  public static int of(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  public static int of(ByteBuffer buffer) {
    CRC32C crc = new CRC32C();
    crc.update(buffer.duplicate());
    return (int) crc.getValue();
  }

  /** The CRC32C of A then B, from A's CRC, B's CRC and B's length (zlib's {@code crc32_combine}). */
  public static int combine(int crcA, int crcB, long lengthB) {
    return combineWithShift(shift(lengthB), crcA, crcB);
  }

  /**
   * What {@link #combine(int, int, long)} multiplies A's CRC by for a B of {@code lengthB} bytes:
   * computed once, it makes combining many strings of one length (blocks) a few dozen operations.
   */
  public static int shift(long lengthB) {
    Checks.require(lengthB >= 0, "a length of %d bytes", lengthB);
    int p = 1 << 31; // x^0
    long n = lengthB;
    for (int k = 3; n != 0; n >>>= 1, k++) { // x^(8 n): bytes to bits is k = 3
      if ((n & 1) != 0) {
        p = multiplyModP(X_TO_2_TO_THE[k], p);
      }
    }
    return p;
  }

  /** The CRC32C of A then B, where {@code shift} is {@link #shift} of B's length. */
  public static int combineWithShift(int shift, int crcA, int crcB) {
    return multiplyModP(shift, crcA) ^ crcB;
  }

  /** {@code a * b} modulo the polynomial, both bit-reversed (zlib's {@code multmodp}). */
  private static int multiplyModP(int a, int b) {
    int p = 0;
    for (int m = 1 << 31; m != 0; m >>>= 1) {
      if ((a & m) != 0) {
        p ^= b;
      }
      b = (b & 1) != 0 ? (b >>> 1) ^ POLYNOMIAL : b >>> 1;
    }
    return p;
  }

  public static String hex(int crc) {
    return String.format("%08x", crc);
  }
}
