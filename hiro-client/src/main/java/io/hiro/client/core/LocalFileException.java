package io.hiro.client.core;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;

/** A failure of the local file (unreadable, changed while read, disk error): no worker can help, so no retry. */
final class LocalFileException extends HiroException {
  private static final long serialVersionUID = 1L;

  LocalFileException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }

  static LocalFileException changed(Object file) {
    return new LocalFileException(ErrorCode.FAILED_PRECONDITION,
        "local file " + file + " changed while it was read; put it again once nothing writes to it", null);
  }
}
