package io.hiro.common;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as people type them: {@code 500ms}, {@code 3s}, {@code 30s}, {@code 5m}, {@code 1h}. */
public final class Durations {
  private static final Pattern FORM = Pattern.compile("\\s*(\\d+)\\s*(ms|s|m|h|d)\\s*");

  private Durations() {}

  public static Duration parse(String text) {
    Checks.require(text != null, "duration is missing; use a number with a unit such as 3s, 500ms, 1h");
    Matcher m = FORM.matcher(text.toLowerCase(Locale.ROOT));
    Checks.require(m.matches(), "duration '%s' is not a number with a unit (ms, s, m, h, d) such as 3s", text);
    try {
      long amount = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    } catch (ArithmeticException | NumberFormatException e) {
      throw HiroException.invalid("duration '%s' is too large", text);
    }
  }
}
