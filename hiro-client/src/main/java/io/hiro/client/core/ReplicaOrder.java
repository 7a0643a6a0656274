package io.hiro.client.core;

import io.hiro.proto.PieceRef;
import io.hiro.proto.WorkerRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order in which a read tries a piece's replicas: by worker id, turned by the piece's index,
 * so that the pieces of one file are read from every worker that holds them (piece 0 from the
 * first, piece 1 from the second...) instead of all from one, and so that two reads of the same
 * piece try the same replica first (the one whose page cache holds it). The others follow in the
 * same turn, as fallbacks.
 */
public final class ReplicaOrder {
  private ReplicaOrder() {}

  public static List<WorkerRef> forRead(PieceRef piece) {
    List<WorkerRef> byId = new ArrayList<>(piece.getReplicasList());
    byId.sort(Comparator.comparing(WorkerRef::getWorkerId));
    int count = byId.size();
    if (count <= 1) {
      return byId;
    }
    int first = (int) Math.floorMod(piece.getIndex(), (long) count);
    List<WorkerRef> order = new ArrayList<>(count);
    order.addAll(byId.subList(first, count));
    order.addAll(byId.subList(0, first));
    return order;
  }
}
