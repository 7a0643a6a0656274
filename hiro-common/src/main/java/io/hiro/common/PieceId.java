package io.hiro.common;

import java.util.HexFormat;

/** A piece's identity: 64 random bits chosen by the master, shown as 16 hex digits. */
public record PieceId(long value) implements Comparable<PieceId> {
  public static PieceId parse(String hex) {
    Checks.require(hex != null && hex.length() == 16, "piece id '%s' is not 16 hex digits", hex);
    try {
      return new PieceId(HexFormat.fromHexDigitsToLong(hex));
    } catch (IllegalArgumentException e) {
      throw HiroException.invalid("piece id '%s' is not 16 hex digits", hex);
    }
  }

  @Override
  public int compareTo(PieceId other) {
    return Long.compareUnsigned(value, other.value);
  }

  @Override
  public String toString() {
    return HexFormat.of().toHexDigits(value);
  }
}
