package io.hiro.master.core;

import static io.hiro.master.core.MasterFixture.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.common.FileId;
import io.hiro.common.HiroException;
import io.hiro.common.WorkerId;
import io.hiro.master.store.CheckpointBytes;
import io.hiro.master.store.CheckpointReader;
import io.hiro.master.store.CheckpointWriter;
import io.hiro.proto.Checkpoint;
import io.hiro.proto.CheckpointEntry;
import java.io.IOException;
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
  void aCheckpointWrittenRecordByRecordIsTheMessageItsFieldsMakeAndRestoresTheSameState() throws IOException {
    MasterState state = new MasterState();
    history().subList(0, 6).forEach(state::apply); // the last upload stays open
    state.apply(new Operation.WorkerJoined(new WorkerId("w1")));
    state.apply(new Operation.WorkerJoined(new WorkerId("w2")));

    CheckpointBytes file = new CheckpointBytes();
    CheckpointWriter.Written written = state.writeCheckpoint(new CheckpointWriter(42, file));
    Checkpoint message = file.message();

    assertThat(message.getSeq()).isEqualTo(42);
    assertThat(message.getEntriesList()).extracting(CheckpointEntry::getPath)
        .containsExactly("/", "/c", "/c/b", "/c/b/f"); // /x/g is an open upload: no entry until its commit
    assertThat(written.entries()).isEqualTo(4).isEqualTo(message.getTotals().getEntries());
    assertThat(written.uploads()).isEqualTo(1).isEqualTo(message.getUploadsCount());
    assertThat(message.getKnownWorkerIdsList()).containsExactlyInAnyOrder("w1", "w2");
    assertThat(message.getTotals().getKnownWorkers()).isEqualTo(2);
    assertThat(written.records()).isEqualTo(1);

    CheckpointReader reader = CheckpointBytes.reader(file.file());
    assertThat(reader.seq()).isEqualTo(42);
    MasterState restored = MasterState.fromCheckpoint(reader);
    assertThat(dump(restored)).isEqualTo(dump(state)).contains("/c/b/f file 5 v1 1048577 [101, 102] [7, 8]");
    assertThat(restored.uploads().keySet()).containsExactly(12L);
    assertThat(restored.knownWorkers()).containsExactlyInAnyOrder(new WorkerId("w1"), new WorkerId("w2"));
    CheckpointBytes again = new CheckpointBytes();
    restored.writeCheckpoint(new CheckpointWriter(42, again));
    assertThat(again.file()).isEqualTo(file.file());
  }

  @Test
  void aCheckpointAsMastersBeforeWroteItOneRecordOfTheWholeMessageStillRestores() throws IOException {
    MasterState state = new MasterState();
    history().subList(0, 6).forEach(state::apply);
    CheckpointBytes file = new CheckpointBytes();
    state.writeCheckpoint(new CheckpointWriter(9, file));
    byte[] message = file.message().toBuilder().clearFormat().clearTotals().build().toByteArray();

    CheckpointReader reader = CheckpointBytes.reader(CheckpointBytes.oneRecord(message));
    assertThat(reader.seq()).isEqualTo(9);
    assertThat(dump(MasterState.fromCheckpoint(reader))).isEqualTo(dump(state));

    // A field this version does not know (a later one's) is skipped, as parseFrom skips it.
    byte[] withUnknown = java.util.Arrays.copyOf(message, message.length + 2);
    withUnknown[message.length] = (byte) (9 << 3); // field 9, a varint
    withUnknown[message.length + 1] = 1;
    assertThat(dump(MasterState.fromCheckpoint(CheckpointBytes.reader(CheckpointBytes.oneRecord(withUnknown)))))
        .isEqualTo(dump(state));

    // An end-group tag with no group open: parseFrom refuses it, and so does the reader.
    byte[] strayEndGroup = java.util.Arrays.copyOf(message, message.length + 1);
    strayEndGroup[message.length] = (byte) (9 << 3 | 4);
    assertThatThrownBy(() -> Checkpoint.parseFrom(strayEndGroup)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> CheckpointBytes.reader(CheckpointBytes.oneRecord(strayEndGroup)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aCheckpointReaderRefusesAFileCutShortOrWithRecordsLostOrRepeated() throws IOException {
    MasterState state = new MasterState();
    String name = "d".repeat(100);
    for (int i = 0; i < 25_000; i++) { // ~2.6 MB of entries: three records
      state.apply(new Operation.Mkdir(path("/" + name + i), false, 1));
    }
    CheckpointBytes written = new CheckpointBytes();
    state.writeCheckpoint(new CheckpointWriter(3, written));
    byte[] file = written.file();
    List<Integer> ends = written.recordEnds();
    assertThat(ends).hasSize(3);
    assertThat(CheckpointBytes.reader(file).seq()).isEqualTo(3);

    for (int end : ends.subList(0, ends.size() - 1)) {
      assertThatThrownBy(() -> CheckpointBytes.reader(java.util.Arrays.copyOf(file, end)))
          .as("cut at the end of a record").isInstanceOf(IOException.class).hasMessageContaining("no totals");
    }
    assertThatThrownBy(() -> CheckpointBytes.reader(java.util.Arrays.copyOf(file, file.length - 1)))
        .as("cut within the last record").isInstanceOf(IOException.class);
    byte[] lastAgain = concat(file, java.util.Arrays.copyOfRange(file, ends.get(1), ends.get(2)));
    assertThatThrownBy(() -> CheckpointBytes.reader(lastAgain))
        .isInstanceOf(IOException.class).hasMessageContaining("after the totals");
    byte[] middleLost = concat(java.util.Arrays.copyOf(file, ends.get(0)),
        java.util.Arrays.copyOfRange(file, ends.get(1), ends.get(2)));
    assertThatThrownBy(() -> CheckpointBytes.reader(middleLost))
        .isInstanceOf(IOException.class).hasMessageContaining("do not match the totals' checksum");
    byte[] firstTwoSwapped = concat(concat(java.util.Arrays.copyOfRange(file, ends.get(0), ends.get(1)),
        java.util.Arrays.copyOf(file, ends.get(0))), java.util.Arrays.copyOfRange(file, ends.get(1), ends.get(2)));
    assertThatThrownBy(() -> CheckpointBytes.reader(firstTwoSwapped))
        .as("the format is in the first record only").isInstanceOf(IOException.class).hasMessageContaining("format");
    byte[] flipped = file.clone();
    flipped[ends.get(0) + 100] ^= 1;
    assertThatThrownBy(() -> CheckpointBytes.reader(flipped))
        .isInstanceOf(IOException.class).hasMessageContaining("checksum mismatch");
    byte[] twoRecordsNoFormat = concat(CheckpointBytes.oneRecord(new byte[] {8, 3}), CheckpointBytes.oneRecord(
        new byte[] {8, 3}));
    assertThatThrownBy(() -> CheckpointBytes.reader(twoRecordsNoFormat))
        .isInstanceOf(IOException.class).hasMessageContaining("no format");
  }

  @Test
  void aCheckpointReaderRefusesTotalsThatDoNotMatchWhatItHoldsAndAFormatItDoesNotKnow() {
    CheckpointEntry root = CheckpointEntry.newBuilder().setPath("/").build();
    Checkpoint whole = Checkpoint.newBuilder().setSeq(1).setFormat(2).addEntries(root).addKnownWorkerIds("w1")
        .setTotals(io.hiro.proto.CheckpointTotals.newBuilder().setEntries(1).setKnownWorkers(1)).build();
    assertThat(whole.getTotals().getEarlierRecordsCrc32C()).as("no records before the only one").isZero();
    assertThatCode(() -> CheckpointBytes.reader(CheckpointBytes.oneRecord(whole.toByteArray())))
        .doesNotThrowAnyException();

    Checkpoint uploadsMiscounted = whole.toBuilder().setTotals(whole.getTotals().toBuilder().setUploads(1)).build();
    assertThatThrownBy(() -> CheckpointBytes.reader(CheckpointBytes.oneRecord(uploadsMiscounted.toByteArray())))
        .isInstanceOf(IOException.class).hasMessageContaining("0 uploads").hasMessageContaining("totals say 1, 1 and 1");
    Checkpoint workersMiscounted = whole.toBuilder().setTotals(whole.getTotals().toBuilder().setKnownWorkers(2))
        .build();
    assertThatThrownBy(() -> CheckpointBytes.reader(CheckpointBytes.oneRecord(workersMiscounted.toByteArray())))
        .isInstanceOf(IOException.class).hasMessageContaining("1 workers");
    Checkpoint laterFormat = whole.toBuilder().setFormat(3).build();
    assertThatThrownBy(() -> CheckpointBytes.reader(CheckpointBytes.oneRecord(laterFormat.toByteArray())))
        .isInstanceOf(IOException.class).hasMessageContaining("format 3");
    byte[] noFormatWithTotals = whole.toBuilder().clearFormat().build().toByteArray();
    assertThatThrownBy(() -> CheckpointBytes.reader(CheckpointBytes.oneRecord(noFormatWithTotals)))
        .isInstanceOf(IOException.class).hasMessageContaining("totals in a checkpoint of no format");
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }

  @Test
  void aCheckpointWriterRefusesFieldsOutOfTheMessagesOrder() {
    CheckpointWriter writer = new CheckpointWriter(1, new CheckpointBytes());
    writer.knownWorker("w1");
    assertThatThrownBy(() -> writer.directory("/", 0))
        .isInstanceOf(IllegalStateException.class);
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

    assertThatThrownBy(() -> state.writeCheckpoint(new CheckpointWriter(5, new CheckpointBytes())))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("past the limits");
  }
}
