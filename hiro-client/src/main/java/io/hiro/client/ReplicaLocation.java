package io.hiro.client;

import io.hiro.common.WorkerId;

/** A worker holding a replica, and the host:port of its data service. */
public record ReplicaLocation(WorkerId workerId, String address) {}
