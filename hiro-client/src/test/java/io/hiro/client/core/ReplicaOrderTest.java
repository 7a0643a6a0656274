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

  private static List<String> order(PieceRef piece) {
    return ReplicaOrder.forRead(piece).stream().map(WorkerRef::getWorkerId).toList();
  }

  @Test
  void consecutivePiecesStartAtConsecutiveWorkersWhateverOrderTheMasterListedThem() {
    assertThat(order(piece(0, "w-c", "w-a", "w-b"))).containsExactly("w-a", "w-b", "w-c");
    assertThat(order(piece(1, "w-b", "w-c", "w-a"))).containsExactly("w-b", "w-c", "w-a");
    assertThat(order(piece(2, "w-a", "w-c", "w-b"))).containsExactly("w-c", "w-a", "w-b");
    assertThat(order(piece(3, "w-c", "w-b", "w-a"))).containsExactly("w-a", "w-b", "w-c");
  }

  @Test
  void fewerReplicasStillTurnAndNoneIsLeftOut() {
    assertThat(order(piece(5, "w-b", "w-a"))).containsExactly("w-b", "w-a");
    assertThat(order(piece(7, "w-a"))).containsExactly("w-a");
    assertThat(order(piece(7))).isEmpty();
  }
}
