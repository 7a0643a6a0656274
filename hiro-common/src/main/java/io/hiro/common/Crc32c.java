package io.hiro.common;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** CRC32C helpers (the JDK's intrinsic implementation). */
public final class Crc32c {
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

  public static String hex(int crc) {
    return String.format("%08x", crc);
  }
}
