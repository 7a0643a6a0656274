package io.hiro.common;

/** A failure with a class that callers can act on, and a message a person can act on. */
public class HiroException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;

  public HiroException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public HiroException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public static HiroException invalid(String format, Object... args) {
    return new HiroException(ErrorCode.INVALID_ARGUMENT, String.format(format, args));
  }

  public static HiroException notFound(String format, Object... args) {
    return new HiroException(ErrorCode.NOT_FOUND, String.format(format, args));
  }

  public static HiroException exists(String format, Object... args) {
    return new HiroException(ErrorCode.ALREADY_EXISTS, String.format(format, args));
  }

  public static HiroException precondition(String format, Object... args) {
    return new HiroException(ErrorCode.FAILED_PRECONDITION, String.format(format, args));
  }

  public static HiroException unavailable(String format, Object... args) {
    return new HiroException(ErrorCode.UNAVAILABLE, String.format(format, args));
  }

  public static HiroException dataLoss(String format, Object... args) {
    return new HiroException(ErrorCode.DATA_LOSS, String.format(format, args));
  }

  public static HiroException exhausted(String format, Object... args) {
    return new HiroException(ErrorCode.RESOURCE_EXHAUSTED, String.format(format, args));
  }
}
