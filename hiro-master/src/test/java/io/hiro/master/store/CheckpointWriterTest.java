package io.hiro.master.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.hiro.proto.CheckpointEntry;
import io.hiro.proto.CheckpointFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointWriterTest {
  /** A file's fields as plain values, as a master's file node gives them. */
  private record Fields(long fileId, long sizeBytes, int replication, long pieceSizeBytes, long version, byte[] sha256,
      long[] pieceIds, int[] crcs) implements CheckpointWriter.FileFields {
    @Override
    public long sha256Word(int index) {
      return ByteBuffer.wrap(sha256).getLong(8 * index);
    }

    @Override
    public int pieceCount() {
      return pieceIds.length;
    }

    @Override
    public long pieceId(int index) {
      return pieceIds[index];
    }

    @Override
    public int crc(int index) {
      return crcs[index];
    }

    CheckpointFile message() {
      CheckpointFile.Builder file = CheckpointFile.newBuilder().setFileId(fileId).setSizeBytes(sizeBytes)
          .setReplication(replication).setPieceSizeBytes(pieceSizeBytes).setVersion(version)
          .setSha256(ByteString.copyFrom(sha256));
      for (int i = 0; i < pieceIds.length; i++) {
        file.addPieceIds(pieceIds[i]).addCrcs(crcs[i]);
      }
      return file.build();
    }
  }

  @Test
  void entriesWrittenFromTheirFieldsAreTheMessagesTheirBuildersMake() throws IOException {
    byte[] sha = new byte[32];
    for (int i = 0; i < sha.length; i++) {
      sha[i] = (byte) (0xF0 + i); // high bits set: a sign mistake in the words would show
    }
    List<Fields> files = List.of(
        new Fields(0xFEDC_BA98_7654_3210L, 5L << 40, 3, 64L << 20, 7, sha, new long[] {-1L, 1L << 62, 0},
            new int[] {-7, 0, Integer.MIN_VALUE}),
        new Fields(0, 0, 0, 0, 0, new byte[32], new long[0], new int[0]), // every field at its default
        new Fields(1, 1, -1, 1, -5, sha, new long[] {42}, new int[] {99}));
    List<CheckpointEntry> expected = new ArrayList<>();
    CheckpointBytes written = new CheckpointBytes();
    CheckpointWriter writer = new CheckpointWriter(11, written);
    writer.directory("/", 0);
    expected.add(CheckpointEntry.newBuilder().setPath("/").build());
    writer.directory("/d", -3);
    expected.add(CheckpointEntry.newBuilder().setPath("/d").setModifiedMillis(-3).build());
    String path = "/d/" + "é".repeat(200); // 400 bytes of UTF-8: lengths past one byte of varint
    for (Fields file : files) {
      writer.file(path, 1_733_000_000_000L, file);
      expected.add(CheckpointEntry.newBuilder().setPath(path).setModifiedMillis(1_733_000_000_000L)
          .setFile(file.message()).build());
    }
    writer.finish();

    List<CheckpointEntry> entries = written.message().getEntriesList();
    assertThat(entries).containsExactlyElementsOf(expected);
    // And byte for byte as the messages encode themselves: the entries' bytes are the file's.
    byte[] payloads = written.payloads();
    for (CheckpointEntry entry : expected) {
      assertThat(indexOf(payloads, entry.toByteArray())).as(entry.getPath()).isNotNegative();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
