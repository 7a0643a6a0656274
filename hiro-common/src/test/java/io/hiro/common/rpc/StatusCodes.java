package io.hiro.common.rpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** For tests that try calls and count how they ended. */
public final class StatusCodes {
  private StatusCodes() {}

  /** The code {@code call} ended with: OK if it returned, else the code of its StatusRuntimeException. */
  public static Status.Code of(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }
}
