package io.hiro.client;

/**
 * One unhealthy file in an {@link FsckReport}. A piece is missing when no good replica is live (the file
 * cannot be read in full) and under-replicated when it has some but fewer than {@code replication}; a
 * piece is never both. {@code state} is {@code healthy}, {@code under-replicated} or {@code missing}.
 */
public record FsckFile(String path, long sizeBytes, int replication, long pieces, long missingPieces,
                       long underReplicatedPieces, long corruptReplicas, String state) {}
