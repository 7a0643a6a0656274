package io.hiro.worker.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.proto.PieceData;
import io.hiro.proto.ReplicaMeta;
import io.hiro.worker.store.DataDirLayout;
import io.hiro.worker.store.DiskPieceStore;
import io.hiro.worker.store.PieceWrite;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read's messages are read into one array, again and again, and their bytes are the replica's; a
 * read that gave no message between two sweeps lets go of that array.
 */
@Timeout(20)
class PieceReadTest {
  private static final long PIECE = 0x51;
  private static final int MESSAGE_BYTES = 65_536;

  @TempDir Path dir;
  private DiskPieceStore store;

  @AfterEach
  void stop() {
    store.close();
  }

  @Test
  void eachMessageIsReadIntoTheArrayTheOneBeforeWasAndTheirBytesAreThePiece() {
    byte[] bytes = storePiece();
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    List<ByteString> views = new ArrayList<>();

    try (PieceRead read = open()) {
      while (read.hasMore()) {
        PieceData data = read.next();
        assertThat(data.getOffset()).isEqualTo(sent.size());
        sent.writeBytes(data.getData().toByteArray()); // a copy, as a server stream's onNext makes
        views.add(data.getData());
      }
    }

    assertThat(sent.toByteArray()).isEqualTo(bytes);
    assertThat(views).hasSize(4);
    assertThat(views.get(0).toByteArray()).as("the first message's array was filled again by the last")
        .startsWith(Arrays.copyOfRange(bytes, 196_608, 200_000));
  }

  @Test
  void aReadThatGaveNoMessageBetweenTwoSweepsLetsGoOfItsArray() {
    byte[] bytes = storePiece();
    try (PieceRead read = open()) {
      ByteString first = read.next().getData();
      assertThat(read.sweep()).as("not idle: a message was read since the last sweep").isFalse();
      read.next();
      assertThat(first.toByteArray()).as("the first message's array, filled again by the second")
          .isEqualTo(Arrays.copyOfRange(bytes, MESSAGE_BYTES, 2 * MESSAGE_BYTES));

      assertThat(read.sweep()).as("not idle: a message was read since the last sweep").isFalse();
      assertThat(read.sweep()).as("idle: no message since the last sweep").isTrue();
      ByteString third = read.next().getData();

      assertThat(first.toByteArray()).as("the array let go of, not filled again")
          .isEqualTo(Arrays.copyOfRange(bytes, MESSAGE_BYTES, 2 * MESSAGE_BYTES));
      assertThat(third.toByteArray()).isEqualTo(Arrays.copyOfRange(bytes, 2 * MESSAGE_BYTES, 3 * MESSAGE_BYTES));
      assertThat(read.next().getData().toByteArray()).isEqualTo(Arrays.copyOfRange(bytes, 3 * MESSAGE_BYTES, 200_000));
      assertThat(third.toByteArray()).as("the new array, filled again by the next message")
          .startsWith(Arrays.copyOfRange(bytes, 3 * MESSAGE_BYTES, 200_000));
      assertThat(read.hasMore()).isFalse();
    }
  }

  /** Piece {@link #PIECE} stored: 200,000 random bytes, four messages, the last short. */
  private byte[] storePiece() {
    store = DiskPieceStore.open(new DataDirLayout(dir), new WorkerId("w-read"), new FakeClock());
    byte[] bytes = new byte[200_000];
    new Random(5).nextBytes(bytes);
    PieceWrite write = store.begin(ReplicaMeta.newBuilder().setPieceId(PIECE).setLength(bytes.length).build());
    write.append(ByteBuffer.wrap(bytes));
    write.commit();
    return bytes;
  }

  private PieceRead open() {
    return new PieceReads(TestTokens.CHECK, store, MESSAGE_BYTES)
        .open(new PieceId(PIECE), 0, 0, TestTokens.read(PIECE).toByteArray());
  }
}
