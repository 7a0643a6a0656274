package io.hiro.common;

/**
 * Invariant checks that stay on in production (Java {@code assert} is off by default).
 * A failed check is a bug in Hiro, not bad input: bad input gets {@link HiroException#invalid}.
 */
public final class Checks {
  private Checks() {}

  public static void check(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new IllegalStateException("invariant broken: " + String.format(format, args));
    }
  }

  public static <T> T checkNotNull(T value, String what) {
    if (value == null) {
      throw new IllegalStateException("invariant broken: " + what + " is null");
    }
    return value;
  }

  /** Checks input that came from outside; a failure is the caller's INVALID_ARGUMENT. */
  public static void require(boolean condition, String format, Object... args) {
    if (!condition) {
      throw HiroException.invalid(format, args);
    }
  }
}
