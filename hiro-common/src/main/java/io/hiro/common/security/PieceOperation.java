package io.hiro.common.security;

import java.util.Optional;

/** What a piece token allows on its one piece. The codes are part of the token format: never renumber. */
public enum PieceOperation {
  /** Stream the piece's bytes to a chain of workers. */
  WRITE(1),
  /** Read the piece's bytes from a worker. */
  READ(2),
  /** Remove a worker's replica. */
  DELETE(3),
  /** A worker copies its replica to another worker (re-replication). */
  COPY(4);

  private final byte code;

  PieceOperation(int code) {
    this.code = (byte) code;
  }

  /** The byte that stands for this operation in a token. */
  public byte code() {
    return code;
  }

  public static Optional<PieceOperation> fromCode(byte code) {
    for (PieceOperation operation : values()) {
      if (operation.code == code) {
        return Optional.of(operation);
      }
    }
    return Optional.empty();
  }
}
