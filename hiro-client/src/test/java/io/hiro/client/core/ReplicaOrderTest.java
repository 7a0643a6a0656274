package io.hiro.client.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.proto.PieceRef;
import io.hiro.proto.WorkerRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaOrderTest {
  private static PieceRef piece(long index, String... workerIds) {
    PieceRef.Builder piece = PieceRef.newBuilder().setIndex(index);
    for (String id : workerIds) {
      piece.addReplicas(WorkerRef.newBuilder().setWorkerId(id).setAddress(id + ":5050"));
    }
    return piece.build();
  }

  private static List<String> order(PieceRef piece, long firstPieceId) {
    return ReplicaOrder.forRead(piece, firstPieceId).stream().map(WorkerRef::getWorkerId).toList();
  }

  @Test
  void consecutivePiecesStartAtConsecutiveWorkersWhateverOrderTheMasterListedThem() {
    assertThat(order(piece(0, "w-c", "w-a", "w-b"), 3)).containsExactly("w-a", "w-b", "w-c");
    assertThat(order(piece(1, "w-b", "w-c", "w-a"), 3)).containsExactly("w-b", "w-c", "w-a");
    assertThat(order(piece(2, "w-a", "w-c", "w-b"), 3)).containsExactly("w-c", "w-a", "w-b");
    assertThat(order(piece(3, "w-c", "w-b", "w-a"), 3)).containsExactly("w-a", "w-b", "w-c");
  }

  @Test
  void filesStartAtTheWorkerTheirFirstPieceIdPicks() {
    assertThat(order(piece(0, "w-a", "w-b", "w-c"), 4)).containsExactly("w-b", "w-c", "w-a");
    assertThat(order(piece(0, "w-a", "w-b", "w-c"), -1)).containsExactly("w-c", "w-a", "w-b");
    assertThat(order(piece(1, "w-a", "w-b", "w-c"), Long.MAX_VALUE)).containsExactly("w-c", "w-a", "w-b");
  }

  @Test
  void fewerReplicasStillTurnAndNoneIsLeftOut() {
    assertThat(order(piece(5, "w-b", "w-a"), 0)).containsExactly("w-b", "w-a");
    assertThat(order(piece(7, "w-a"), 9)).containsExactly("w-a");
    assertThat(order(piece(7), 9)).isEmpty();
  }
}
