package io.hiro.worker.core;

/**
 * How far the scrubber got: in the pass running now (or the last one) and since the worker started.
 *
 * @param passesDone passes finished since start
 * @param replicasChecked replicas verified in the current pass
 * @param bytesChecked bytes verified in the current pass
 * @param corruptFound corrupt replicas found in the current pass
 * @param corruptFoundTotal corrupt replicas found by the scrubber since start
 */
public record ScrubProgress(long passesDone, long replicasChecked, long bytesChecked, long corruptFound,
    long corruptFoundTotal) {}
