package io.hiro.worker.core;

import io.hiro.proto.WorkerRef;
import io.hiro.proto.WritePieceHeader;

/** Opens a stream to the next worker of a chain and sends it {@code header} first. */
@FunctionalInterface
public interface ReplicaSinkFactory {
  ReplicaSink connect(WorkerRef worker, WritePieceHeader header);
}
