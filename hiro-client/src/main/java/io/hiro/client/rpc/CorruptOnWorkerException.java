package io.hiro.client.rpc;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;

/**
 * A worker answered a read with DATA_LOSS: its own checksums found its replica corrupt, and it has
 * moved the replica aside and reported it to the master itself. The client reads another replica
 * and need not report this one; a report of its own could reach the master after a fresh copy of
 * the piece has, and have that copy deleted.
 */
public final class CorruptOnWorkerException extends HiroException {
  private static final long serialVersionUID = 1L;

  CorruptOnWorkerException(HiroException answer) {
    super(ErrorCode.DATA_LOSS, answer.getMessage(), answer.getCause());
  }
}
