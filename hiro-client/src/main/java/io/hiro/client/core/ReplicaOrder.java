package io.hiro.client.core;

import io.hiro.proto.PieceRef;
import io.hiro.proto.WorkerRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order in which a read tries a piece's replicas: by worker id, turned by the file's first
 * piece id plus the piece's index. So the pieces of one file are read from every worker that holds
 * them in turn, different files start at different workers (many small files do not all go to one),
 * and two reads of the same piece try the same replica first (the one whose page cache holds it).
 * The others follow in the same turn, as fallbacks.
 */
public final class ReplicaOrder {
  private ReplicaOrder() {}

  /** @param firstPieceId the id of the file's piece 0 */
  public static List<WorkerRef> forRead(PieceRef piece, long firstPieceId) {
    List<WorkerRef> byId = new ArrayList<>(piece.getReplicasList());
    byId.sort(Comparator.comparing(WorkerRef::getWorkerId));
    return turn(byId, firstPieceId, piece.getIndex());
  }

  /** {@code sortedById} turned so that it starts at {@code (firstPieceId + index) mod size}. */
  public static <T> List<T> turn(List<T> sortedById, long firstPieceId, long index) {
    int count = sortedById.size();
    if (count <= 1) {
      return List.copyOf(sortedById);
    }
    int first = (int) Math.floorMod(Math.floorMod(firstPieceId, (long) count) + index, (long) count);
    List<T> order = new ArrayList<>(count);
    order.addAll(sortedById.subList(first, count));
    order.addAll(sortedById.subList(0, first));
    return order;
  }
}
