package io.hiro.worker.store;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import java.io.IOException;

/** Turns disk failures into Hiro's error classes: a full disk is RESOURCE_EXHAUSTED. */
final class DiskErrors {
  private DiskErrors() {}

  static HiroException of(IOException error, String node, String what) {
    String message = String.valueOf(error.getMessage());
    if (message.contains("No space left") || message.contains("Disk quota exceeded")) {
      return new HiroException(ErrorCode.RESOURCE_EXHAUSTED,
          "worker " + node + ": disk full while " + what + "; free space or write to another worker", error);
    }
    return new HiroException(ErrorCode.UNAVAILABLE,
        "worker " + node + ": disk error while " + what + " (" + message + ")", error);
  }
}
