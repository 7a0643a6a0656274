package io.hiro.master.core;

import io.hiro.common.HostPort;
import io.hiro.common.WorkerId;

/** A worker and where to reach its data service: one replica's location, or one link of a chain. */
public record WorkerAddress(WorkerId id, HostPort address) {}
