package io.hiro.master.core;

import io.hiro.common.HostPort;
import io.hiro.common.WorkerId;

/** A worker's register call: who it is, where it listens, its disk, and every piece it holds. */
public record WorkerRegistration(WorkerId id, HostPort address, long capacityBytes, long freeBytes, long usedBytes,
    long[] pieceIds) {}
