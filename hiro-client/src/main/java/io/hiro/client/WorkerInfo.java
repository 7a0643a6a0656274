package io.hiro.client;

/**
 * One worker in a {@link ClusterReport}. {@code workerId} is empty for an expected worker that never
 * registered; {@code state} is live, suspect, dead or missing.
 */
public record WorkerInfo(String workerId, String address, String state, long capacityBytes, long usedBytes,
                         long freeBytes, long replicaCount, long lastHeartbeatMillis) {
  /** Whether the master counts the worker live (heartbeating, not suspect). */
  public boolean isLive() {
    return state.equals("live");
  }
}
