package io.hiro.client.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hiro.client.rpc.PlacingMarshaller.Placed;
import io.hiro.proto.PieceData;
import io.hiro.proto.ReadPieceResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PlacingMarshallerTest {
  private final byte[] piece = randomBytes(10_000);

  @Test
  void placesEachMessagesBytesWhereTheBytesBeforeThemEnded() {
    byte[] into = new byte[piece.length];
    PlacingMarshaller placing = new PlacingMarshaller(into, piece.length);

    Placed first = placing.parse(protobuf(0, 0, 4_000, 11));
    Placed second = placing.parse(protobuf(4_000, 4_000, 6_000, 22));

    assertThat(first).isEqualTo(new Placed(0, 4_000, 11, false));
    assertThat(second).isEqualTo(new Placed(4_000, 6_000, 22, false));
    assertThat(into).isEqualTo(piece);
  }

  @Test
  void aMessageClaimingAnotherOffsetIsStillPlacedAfterTheBytesBeforeIt() {
    byte[] into = new byte[piece.length];
    PlacingMarshaller placing = new PlacingMarshaller(into, piece.length);

    placing.parse(protobuf(0, 0, 100, 0));
    Placed placed = placing.parse(protobuf(5_000, 100, 50, 0));

    assertThat(placed.offset()).isEqualTo(5_000);
    assertThat(Arrays.copyOfRange(into, 100, 150)).isEqualTo(Arrays.copyOfRange(piece, 100, 150));
  }

  @Test
  void readsFieldsInAnyOrderSkipsUnknownOnesAndKeepsTheLastValueOfEach() throws IOException {
    ByteArrayOutputStream inner = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(inner);
    out.writeFixed32(3, 99);
    out.writeBytes(2, ByteString.copyFrom(piece, 500, 10)); // replaced by the second data field
    out.writeUInt64(7, 123_456_789_012L); // unknown fields of every wire type
    out.writeFixed64(8, -1L);
    out.writeBytes(9, ByteString.copyFromUtf8("not ours"));
    out.writeFixed32(10, 5);
    out.writeInt64(1, 77);
    out.writeBytes(2, ByteString.copyFrom(piece, 0, 300));
    out.writeFixed32(3, 0xcafe_f00d);
    out.flush();
    ByteArrayOutputStream outer = new ByteArrayOutputStream();
    CodedOutputStream response = CodedOutputStream.newInstance(outer);
    response.writeBytes(5, ByteString.copyFromUtf8("unknown at the top"));
    response.writeByteArray(1, inner.toByteArray());
    response.flush();
    byte[] into = new byte[piece.length];

    Placed placed = new PlacingMarshaller(into, piece.length).parse(new ByteArrayInputStream(outer.toByteArray()));

    assertThat(placed).isEqualTo(new Placed(77, 300, 0xcafe_f00d, false));
    assertThat(Arrays.copyOf(into, 300)).isEqualTo(Arrays.copyOf(piece, 300));
  }

  @Test
  void aMessageFieldMetTwiceIsMergedAsProtobufMergesIt() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ReadPieceResponse.newBuilder().setData(PieceData.newBuilder().setOffset(0)
        .setData(ByteString.copyFrom(piece, 0, 200))).build().writeTo(bytes);
    ReadPieceResponse.newBuilder().setData(PieceData.newBuilder().setCrc32C(42)).build().writeTo(bytes);
    ReadPieceResponse expected = ReadPieceResponse.parseFrom(bytes.toByteArray());
    byte[] into = new byte[piece.length];

    Placed placed = new PlacingMarshaller(into, piece.length).parse(new ByteArrayInputStream(bytes.toByteArray()));

    assertThat(placed).isEqualTo(new Placed(expected.getData().getOffset(), expected.getData().getData().size(),
        expected.getData().getCrc32C(), false));
    assertThat(Arrays.copyOf(into, 200)).isEqualTo(Arrays.copyOf(piece, 200));
  }

  @Test
  void aMessageThatWouldEndPastThePiecePlacesNothingAndTheNextGoesWhereItWouldHave() {
    byte[] into = new byte[piece.length];
    PlacingMarshaller placing = new PlacingMarshaller(into, 1_000);

    placing.parse(protobuf(0, 0, 600, 0));
    Placed tooLong = placing.parse(protobuf(600, 600, 401, 0));
    Placed fits = placing.parse(protobuf(600, 600, 400, 0));

    assertThat(tooLong.tooLong()).isTrue();
    assertThat(tooLong.length()).isZero();
    assertThat(fits).isEqualTo(new Placed(600, 400, 0, false));
    assertThat(Arrays.copyOf(into, 1_000)).isEqualTo(Arrays.copyOf(piece, 1_000));
    assertThat(Arrays.copyOfRange(into, 1_000, into.length)).containsOnly(0);
  }

  @Test
  void onlyTheLastDataFieldOfAMessageCountsEvenWhenAnEarlierOneWasTooLong() throws IOException {
    byte[] into = new byte[piece.length];

    Placed fitsLast = new PlacingMarshaller(into, 1_000).parse(dataFields(2_000, 300));
    Placed tooLongLast = new PlacingMarshaller(into, 1_000).parse(dataFields(300, 2_000));

    assertThat(fitsLast).isEqualTo(new Placed(0, 300, 0, false));
    assertThat(tooLongLast.tooLong()).isTrue();
    assertThat(tooLongLast.length()).isZero();
  }

  @Test
  void aFieldRunningPastTheEndOfItsMessageFailsBeforeItsBytesArePlaced() throws IOException {
    ByteArrayOutputStream inner = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(inner);
    out.writeBytes(2, ByteString.copyFrom(piece, 0, 100));
    out.flush();
    byte[] pieceData = inner.toByteArray();
    ByteArrayOutputStream outer = new ByteArrayOutputStream();
    CodedOutputStream response = CodedOutputStream.newInstance(outer);
    response.writeTag(1, 2);
    response.writeUInt32NoTag(pieceData.length - 1); // PieceData ends one byte before its data field does
    response.writeRawBytes(pieceData);
    response.writeFixed32(3, 7);
    response.flush();
    byte[] into = new byte[piece.length];

    assertThatThrownBy(() -> new PlacingMarshaller(into, piece.length)
        .parse(new ByteArrayInputStream(outer.toByteArray())))
        .isInstanceOf(StatusRuntimeException.class);
    assertThat(into).containsOnly(0);
  }

  /** One message with two data fields, of {@code first} and then {@code second} bytes. */
  private InputStream dataFields(int first, int second) throws IOException {
    ByteArrayOutputStream inner = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(inner);
    out.writeBytes(2, ByteString.copyFrom(piece, 0, first));
    out.writeBytes(2, ByteString.copyFrom(piece, 0, second));
    out.flush();
    ByteArrayOutputStream outer = new ByteArrayOutputStream();
    CodedOutputStream response = CodedOutputStream.newInstance(outer);
    response.writeByteArray(1, inner.toByteArray());
    response.flush();
    return new ByteArrayInputStream(outer.toByteArray());
  }

  @Test
  void aTruncatedOrMalformedMessageFailsAsInvalidProtobuf() {
    byte[] whole = protobufBytes(0, 0, 100, 7);
    byte[] into = new byte[piece.length];
    byte[] badWireType = {(byte) (1 << 3 | 3)};
    byte[] runawayVarint = {8, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1};

    for (byte[] bad : new byte[][] {Arrays.copyOf(whole, whole.length - 1), Arrays.copyOf(whole, 50), badWireType,
        runawayVarint}) {
      assertThatThrownBy(() -> new PlacingMarshaller(into, piece.length).parse(new ByteArrayInputStream(bad)))
          .isInstanceOf(StatusRuntimeException.class)
          .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
              .isEqualTo(Status.Code.INTERNAL));
    }
  }

  @Test
  void afterCloseAParsePlacesNothing() {
    byte[] into = new byte[piece.length];
    PlacingMarshaller placing = new PlacingMarshaller(into, piece.length);

    placing.close();

    assertThat(placing.parse(protobuf(0, 0, 100, 0))).isEqualTo(PlacingMarshaller.DISCARDED);
    assertThat(into).containsOnly(0);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void closeWaitsForAParseThatIsWritingIntoTheArray() throws Exception {
    byte[] into = new byte[piece.length];
    PlacingMarshaller placing = new PlacingMarshaller(into, piece.length);
    byte[] message = protobufBytes(0, 0, 8_000, 0);
    CountDownLatch halfRead = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // A stream that stops in the middle of the data until the test releases it, as a slow network would.
    InputStream stalling = new InputStream() {
      private final ByteArrayInputStream bytes = new ByteArrayInputStream(message);
      private int position;

      @Override
      public int read() {
        int b = bytes.read();
        position += b < 0 ? 0 : 1;
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (position > 4_000 && halfRead.getCount() > 0) {
          halfRead.countDown();
          await(release);
        }
        int read = bytes.read(b, off, Math.min(len, 1_000));
        position += Math.max(read, 0);
        return read;
      }
    };
    CompletableFuture<Placed> parse = CompletableFuture.supplyAsync(() -> placing.parse(stalling));
    halfRead.await();
    Thread closer = Thread.ofPlatform().start(placing::close);

    Thread.State state;
    while ((state = closer.getState()) != Thread.State.WAITING && state != Thread.State.TERMINATED) {
      Thread.onSpinWait(); // the closer blocks on the lock the parse holds
    }
    assertThat(state).as("close() must wait for the parse").isEqualTo(Thread.State.WAITING);
    release.countDown();
    closer.join();

    assertThat(parse.get()).isEqualTo(new Placed(0, 8_000, 0, false));
    assertThat(Arrays.copyOf(into, 8_000)).isEqualTo(Arrays.copyOf(piece, 8_000));
    assertThat(placing.parse(protobuf(8_000, 8_000, 100, 0))).isEqualTo(PlacingMarshaller.DISCARDED);
  }

  private InputStream protobuf(long offset, int from, int length, int crc32c) {
    return new ByteArrayInputStream(protobufBytes(offset, from, length, crc32c));
  }

  /** A message as a worker sends it (protobuf's own serializer): {@code piece[from..from+length)}. */
  private byte[] protobufBytes(long offset, int from, int length, int crc32c) {
    return ReadPieceResponse.newBuilder().setData(PieceData.newBuilder().setOffset(offset)
        .setData(ByteString.copyFrom(piece, from, length)).setCrc32C(crc32c)).build().toByteArray();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    new Random(5).nextBytes(bytes);
    return bytes;
  }
}
