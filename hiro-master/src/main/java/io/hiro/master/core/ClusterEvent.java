package io.hiro.master.core;

/**
 * One thing that happened to the cluster, for a person watching it (the status page): a worker
 * joined, died, came back; a piece was re-replicated, found corrupt, repaired, lost its last replica.
 * Events of a kind that come in bursts (one per piece) are folded into one with a {@code count}.
 *
 * @param atMillis when it happened (the last one, for a folded event)
 * @param kind what happened, one of the {@code ClusterEvents} kinds, e.g. {@code worker-dead}
 * @param workerId the worker it is about, or empty
 * @param pieceId the piece it is about (its hex id), or empty
 * @param message one line that names the worker and piece, e.g. "worker w3 (10.0.0.3:5050) is dead: ..."
 * @param count how many events of this kind were folded into this one (1 when not folded)
 */
public record ClusterEvent(long atMillis, String kind, String workerId, String pieceId, String message, int count) {}
