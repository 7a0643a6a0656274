package io.hiro.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChangedPiecesTest {
  @Test
  void takeReturnsThePiecesMarkedSinceTheLastTakeOnceEach() {
    ChangedPieces changed = new ChangedPieces();
    changed.mark(7);
    changed.mark(9);
    changed.mark(7);

    assertThat(changed.take()).containsExactlyInAnyOrder(7, 9);
    assertThat(changed.take()).isEmpty();
  }

  @Test
  void pastTheBoundOrAfterMarkAllTakeSaysEverythingAndThenStartsOver() {
    ChangedPieces changed = new ChangedPieces();
    for (long piece = 0; piece <= ChangedPieces.TRACKED_MAX; piece++) {
      changed.mark(piece);
    }
    assertThat(changed.take()).as("everything").isNull();
    changed.mark(1);
    assertThat(changed.take()).containsExactly(1);

    changed.mark(2);
    changed.markAll();
    changed.mark(3);
    assertThat(changed.take()).isNull();
    assertThat(changed.take()).isEmpty();
  }
}
