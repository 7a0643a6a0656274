package io.hiro.common;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints byte sizes: {@code 4096}, {@code 64KiB}, {@code 64MiB}, {@code 1GiB}, {@code 10MB}. */
public final class Sizes {
  private static final Pattern FORM = Pattern.compile("\\s*(\\d+)\\s*([a-zA-Z]*)\\s*");

  private Sizes() {}

  public static long parse(String text) {
    Checks.require(text != null, "size is missing");
    Matcher m = FORM.matcher(text);
    Checks.require(m.matches(), "size '%s' is not a number with an optional unit (e.g. 64MiB)", text);
    long multiplier = switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "", "b" -> 1L;
      case "k", "kib" -> 1L << 10;
      case "m", "mib" -> 1L << 20;
      case "g", "gib" -> 1L << 30;
      case "t", "tib" -> 1L << 40;
      case "kb" -> 1_000L;
      case "mb" -> 1_000_000L;
      case "gb" -> 1_000_000_000L;
      case "tb" -> 1_000_000_000_000L;
      default -> throw HiroException.invalid("size '%s' has an unknown unit; use B, KiB, MiB, GiB or TiB", text);
    };
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
    } catch (ArithmeticException | NumberFormatException e) {
      throw HiroException.invalid("size '%s' is too large", text);
    }
  }

  /** A short human form: 0 B, 512 B, 4.0 KiB, 64.0 MiB, 1.5 GiB. */
  public static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
