package io.hiro.master.core;

import static io.hiro.master.core.MasterFixture.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.common.FileId;
import io.hiro.common.HiroException;
import io.hiro.common.WorkerId;
import io.hiro.master.store.CheckpointReader;
import io.hiro.master.store.CheckpointWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MasterStateTest {
  private static final long PIECE = 1L << 20;
  private static final List<WorkerId> CHAIN = List.of(new WorkerId("w1"), new WorkerId("w2"));

  private static List<Operation> history() {
    return List.of(
        new Operation.Mkdir(path("/a/b"), true, 1),
        new Operation.StartUpload(11, path("/a/b/f"), new FileId(5), 1, PIECE + 1, 2, PIECE, false, 1, 2,
            new long[] {101, 102}, List.of(CHAIN, CHAIN)),
        new Operation.ReassignChain(11, 1, List.of(new WorkerId("w3"))),
        new Operation.CommitUpload(11, new int[] {7, 8}, new byte[32], 3),
        new Operation.StartUpload(12, path("/x/g"), new FileId(6), 1, 10, 1, PIECE, false, 1, 4,
            new long[] {103}, List.of(CHAIN)),
        new Operation.Move(path("/a"), path("/c"), 5),
        new Operation.AbortUpload(12, "expired"));
  }

  /** Everything a replay must reproduce, as text: every path with its file fields, the open uploads, the owners. */
  private static String dump(MasterState state) {
    List<String> lines = new ArrayList<>();
    dump(state.namespace().root(), "", lines);
    state.uploads().keySet().forEach(id -> lines.add("upload " + id));
    java.util.Arrays.stream(state.pieceOwners().keys()).sorted().forEach(id -> lines.add("piece " + id));
    CHAIN.forEach(w -> lines.add("promised " + w + " " + state.promisedBytes(w)));
    return String.join("\n", lines);
  }

  private static void dump(Node node, String path, List<String> lines) {
    if (node instanceof FileNode file) {
      lines.add(path + " file " + file.fileId + " v" + file.version + " " + file.sizeBytes + " "
          + java.util.Arrays.toString(file.pieceIds()) + " " + java.util.Arrays.toString(file.crcs()) + " @"
          + file.modifiedMillis);
    } else {
      DirectoryNode directory = (DirectoryNode) node;
      lines.add(path + "/ @" + directory.modifiedMillis());
      directory.forEach((name, child) -> dump(child, path + "/" + name, lines));
    }
  }

  @Test
  void replayingTheSameOperationsGivesTheSameState() {
    MasterState first = new MasterState();
    MasterState second = new MasterState();

    history().forEach(first::apply);
    history().forEach(second::apply);

    assertThat(dump(first)).isEqualTo(dump(second)).contains("/c/b/f file 5 v1 1048577 [101, 102] [7, 8]");
    assertThat(first.uploads()).isEmpty();
    assertThat(first.promisedBytes(new WorkerId("w1"))).isZero();
  }

  @Test
  void aRejectedOperationChangesNothing() {
    MasterState state = new MasterState();
    history().forEach(state::apply);
    String before = dump(state);

    for (Operation bad : List.of(
        new Operation.Mkdir(path("/c/b/f/under-a-file"), true, 9),
        new Operation.Delete(path("/c"), false, 9),
        new Operation.Move(path("/c"), path("/c/b/inside"), 9),
        new Operation.StartUpload(13, path("/c/b/f"), new FileId(7), 1, 1, 1, PIECE, false, 1, 9,
            new long[] {104}, List.of(CHAIN)),
        new Operation.CommitUpload(99, new int[0], new byte[32], 9))) {
      assertThatThrownBy(() -> state.apply(bad)).isInstanceOf(HiroException.class);
    }

    assertThat(dump(state)).isEqualTo(before);
  }

  @Test
  void aCheckpointWrittenEntryByEntryIsTheMessageItsFieldsMakeAndRestoresTheSameState() throws java.io.IOException {
    MasterState state = new MasterState();
    history().subList(0, 6).forEach(state::apply); // the last upload stays open
    state.apply(new Operation.WorkerJoined(new WorkerId("w1")));
    state.apply(new Operation.WorkerJoined(new WorkerId("w2")));

    CheckpointWriter.Encoded encoded = state.writeCheckpoint(new CheckpointWriter(42));
    byte[] bytes = java.util.Arrays.copyOf(encoded.array(), encoded.length());
    io.hiro.proto.Checkpoint message = encoded.parse();

    // The same bytes as the whole message's own encoding, which the files held before.
    assertThat(message.toByteArray()).isEqualTo(bytes);
    assertThat(message.getSeq()).isEqualTo(42);
    assertThat(message.getEntriesList()).extracting(io.hiro.proto.CheckpointEntry::getPath)
        .containsExactly("/", "/c", "/c/b", "/c/b/f"); // /x/g is an open upload: no entry until its commit
    assertThat(encoded.entries()).isEqualTo(4);
    assertThat(encoded.uploads()).isEqualTo(1).isEqualTo(message.getUploadsCount());
    assertThat(message.getKnownWorkerIdsList()).containsExactlyInAnyOrder("w1", "w2");

    CheckpointReader reader = CheckpointReader.of(bytes, 0, bytes.length);
    assertThat(reader.seq()).isEqualTo(42);
    MasterState restored = MasterState.fromCheckpoint(reader);
    assertThat(dump(restored)).isEqualTo(dump(state)).contains("/c/b/f file 5 v1 1048577 [101, 102] [7, 8]");
    assertThat(restored.uploads().keySet()).containsExactly(12L);
    assertThat(restored.knownWorkers()).containsExactlyInAnyOrder(new WorkerId("w1"), new WorkerId("w2"));
    CheckpointWriter.Encoded again = restored.writeCheckpoint(new CheckpointWriter(42));
    assertThat(java.util.Arrays.copyOf(again.array(), again.length())).isEqualTo(bytes);

    // A field this version does not know (a later one's) is skipped, as parseFrom skips it.
    byte[] withUnknown = java.util.Arrays.copyOf(bytes, bytes.length + 2);
    withUnknown[bytes.length] = (byte) (9 << 3); // field 9, a varint
    withUnknown[bytes.length + 1] = 1;
    assertThat(dump(MasterState.fromCheckpoint(CheckpointReader.of(withUnknown, 0, withUnknown.length))))
        .isEqualTo(dump(state));
  }

  @Test
  void aCheckpointReaderRefusesBytesThatAreNotAWholeCheckpoint() {
    MasterState state = new MasterState();
    history().forEach(state::apply);
    CheckpointWriter.Encoded encoded = state.writeCheckpoint(new CheckpointWriter(7));

    assertThatThrownBy(() -> CheckpointReader.of(encoded.array(), 0, encoded.length() - 3))
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void aCheckpointWriterRefusesFieldsOutOfTheMessagesOrder() {
    CheckpointWriter writer = new CheckpointWriter(1);
    writer.knownWorker("w1");
    assertThatThrownBy(() -> writer.entry(io.hiro.proto.CheckpointEntry.newBuilder().setPath("/").build()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aCheckpointOfSeqZeroLeavesTheSeqOutAsTheMessageDoes() throws java.io.IOException {
    MasterState state = new MasterState();
    history().forEach(state::apply);
    CheckpointWriter.Encoded encoded = state.writeCheckpoint(new CheckpointWriter(0));
    byte[] bytes = java.util.Arrays.copyOf(encoded.array(), encoded.length());

    assertThat(encoded.parse().toByteArray()).isEqualTo(bytes);
    assertThat(CheckpointReader.of(bytes, 0, bytes.length).seq()).isZero();
  }

  @Test
  void aCheckpointReaderRefusesAStrayEndGroupTagAsParseFromDoes() {
    MasterState state = new MasterState();
    history().forEach(state::apply);
    CheckpointWriter.Encoded encoded = state.writeCheckpoint(new CheckpointWriter(3));
    byte[] bytes = java.util.Arrays.copyOf(encoded.array(), encoded.length() + 1);
    bytes[encoded.length()] = (byte) (9 << 3 | 4); // field 9, end of a group that never began

    assertThatThrownBy(() -> io.hiro.proto.Checkpoint.parseFrom(bytes)).isInstanceOf(java.io.IOException.class);
    assertThatThrownBy(() -> CheckpointReader.of(bytes, 0, bytes.length)).isInstanceOf(java.io.IOException.class);
  }

  @Test
  void aCheckpointRefusesAPathAStartCouldNotParseAgain() {
    MasterState state = new MasterState();
    String name = "n".repeat(255);
    String deep = ("/" + name).repeat(15);
    state.apply(new Operation.Mkdir(path(deep), true, 1));
    state.apply(new Operation.Mkdir(path("/z/" + name), true, 1));
    // Applied as a journal's replay applies it, past the check a move asked for now makes.
    state.apply(new Operation.Move(path("/z"), path(deep + "/z"), 2));

    assertThatThrownBy(() -> state.writeCheckpoint(new CheckpointWriter(5)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("past the limits");
  }
}
