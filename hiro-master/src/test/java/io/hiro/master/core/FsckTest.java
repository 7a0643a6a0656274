package io.hiro.master.core;

import static io.hiro.master.core.HealingFixture.GIB;
import static io.hiro.master.core.HealingFixture.PIECE;
import static io.hiro.master.core.MasterFixture.path;
import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.master.config.MasterConfig;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FsckTest {
  @Test
  void fsckCountsMissingAndUnderReplicatedPiecesPerFileAndGivesEachFileItsState() {
    HealingFixture f = new HealingFixture(MasterConfig.builder().defaultReplication(2));
    f.register("w1", GIB);
    f.register("w2", GIB);
    f.base.put("/d/healthy", PIECE);
    f.base.put("/d/empty", 0);
    f.base.put("/d/two", 2 * PIECE);
    f.base.put("/elsewhere", PIECE);
    long first = f.master.stat(path("/d/two"), true).pieces().get(0).id().value();
    // /d/healthy keeps one replica of two; /d/two loses its second piece entirely.
    f.register("w1", GIB, f.piece("/d/healthy"), first, f.piece("/elsewhere"));
    f.register("w2", GIB, first);

    FsckView view = f.master.fsck(path("/d"));

    assertThat(view.filesChecked()).isEqualTo(3);
    assertThat(view.filesUnreadable()).isEqualTo(1);
    assertThat(view.filesUnderReplicated()).isEqualTo(1);
    assertThat(view.truncated()).isFalse();
    assertThat(view.files()).extracting(file -> file.path().toString()).containsExactly("/d/healthy", "/d/two");
    assertThat(f.fsck("/d/healthy")).satisfies(file -> {
      assertThat(file.state()).isEqualTo(FsckView.UNDER_REPLICATED);
      assertThat(file.underReplicatedPieces()).isEqualTo(1);
      assertThat(file.missingPieces()).isZero();
    });
    assertThat(f.fsck("/d/two")).satisfies(file -> {
      assertThat(file.state()).isEqualTo(FsckView.MISSING);
      assertThat(file.pieces()).isEqualTo(2);
      assertThat(file.missingPieces()).isEqualTo(1);
      assertThat(file.underReplicatedPieces()).isZero();
    });
  }

  @Test
  void fsckKeepsAtMostFilesMaxUnhealthyFilesAndSaysItTruncated() {
    HealingFixture f = new HealingFixture(MasterConfig.builder().defaultReplication(2));
    f.register("w1", GIB);
    for (int i = 0; i <= Fsck.FILES_MAX; i++) {
      f.base.put("/many/f" + i, 1);
    }
    f.base.put("/other", 1);

    FsckView view = f.master.fsck(path("/"));
    FsckView one = f.master.fsck(path("/other"));

    assertThat(view.files()).hasSize(Fsck.FILES_MAX);
    assertThat(view.truncated()).isTrue();
    assertThat(view.filesChecked()).isEqualTo(Fsck.FILES_MAX + 2);
    assertThat(view.filesUnderReplicated()).isEqualTo(Fsck.FILES_MAX + 2);
    assertThat(one.files()).singleElement().satisfies(file -> assertThat(file.path()).isEqualTo(path("/other")));
    assertThat(one.truncated()).isFalse();
  }
}
