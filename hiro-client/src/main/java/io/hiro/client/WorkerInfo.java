package io.hiro.client;

/**
 * One worker in a {@link ClusterReport}. {@code workerId} is empty for an expected worker that never
 * registered; {@code state} is live, dead or missing.
 */
public record WorkerInfo(String workerId, String address, String state, long capacityBytes, long usedBytes,
                         long freeBytes, long replicaCount, long lastHeartbeatMillis) {}
