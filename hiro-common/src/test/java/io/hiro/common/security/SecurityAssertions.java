package io.hiro.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Shared checks for the security tests: a refusal's code and message, a file's permissions. */
final class SecurityAssertions {
  private SecurityAssertions() {}

  /** Runs {@code call}, asserts it threw a HiroException with {@code code}, and returns its message. */
  static String refusal(ErrorCode code, ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(HiroException.class);
    assertThat(((HiroException) thrown).code()).as("code of: %s", thrown.getMessage()).isEqualTo(code);
    return thrown.getMessage();
  }

  static String permissions(Path path) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void chmod(Path path, String permissions) {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
