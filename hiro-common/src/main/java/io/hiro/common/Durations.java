package io.hiro.common;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as given on a command line: {@code 500ms}, {@code 3s}, {@code 2m}, {@code 1h}.
 */
public final class Durations {
  private static final Pattern FORM = Pattern.compile("\\s*(\\d+)\\s*(ms|s|m|h)\\s*");

  private Durations() {}

  public static Duration parse(String text) {
    Checks.require(text != null, "duration is missing");
    Matcher m = FORM.matcher(text.toLowerCase(Locale.ROOT));
    Checks.require(m.matches(), "duration '%s' is not a number with a unit: ms, s, m or h (e.g. 3s, 500ms)", text);
    try {
      long amount = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    } catch (ArithmeticException | NumberFormatException e) {
      throw HiroException.invalid("duration '%s' is too large", text);
    }
  }
}
