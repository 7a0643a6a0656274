package io.hiro.common.cli;

/** A count with its noun, for the lines a command prints: "1 piece", "3 pieces", "0 files". */
public final class Counts {
  private Counts() {}

  /** {@code count} and {@code noun}, with an "s" unless the count is 1. */
  public static String of(long count, String noun) {
    return count + " " + (count == 1 ? noun : noun + "s");
  }
}
