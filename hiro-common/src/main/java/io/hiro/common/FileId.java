package io.hiro.common;

import java.util.HexFormat;

/** A file's identity, kept across renames; a new one for each path created. */
public record FileId(long value) {
  @Override
  public String toString() {
    return HexFormat.of().toHexDigits(value);
  }
}
