package io.hiro.common.rpc;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ByteStringsTest {
  private static final byte[] BYTES = "piece bytes, seen in place".getBytes(US_ASCII);

  @Test
  void aStringOverAnArrayIsSeenInThatArrayWithItsOffset() {
    ByteString part = UnsafeByteOperations.unsafeWrap(BYTES).substring(6, 11);

    ByteBuffer view = ByteStrings.view(part);

    assertThat(view.hasArray()).as("CRC32C reads an array in place, a read-only buffer it copies").isTrue();
    assertThat(view.array()).isSameAs(BYTES);
    assertThat(view.arrayOffset()).isEqualTo(6);
    assertThat(view.position()).isZero();
    assertThat(bytesOf(view)).isEqualTo("bytes");
  }

  @Test
  void aStringOfSeveralPartsAndTheEmptyStringGiveTheirBytes() {
    byte[] half = "0123456789".repeat(20).getBytes(US_ASCII); // 200 bytes: protobuf flattens shorter concatenations
    ByteString rope = ByteString.copyFrom(half).concat(ByteString.copyFrom(BYTES)).concat(ByteString.copyFrom(half));

    assertThat(rope.getClass().getSimpleName()).as("a string of several parts").isEqualTo("RopeByteString");
    assertThat(bytesOf(ByteStrings.view(rope))).isEqualTo(new String(half, US_ASCII) + new String(BYTES, US_ASCII)
        + new String(half, US_ASCII));
    assertThat(ByteStrings.view(ByteString.EMPTY).remaining()).isZero();
  }

  private static String bytesOf(ByteBuffer view) {
    byte[] out = new byte[view.remaining()];
    view.duplicate().get(out);
    return new String(out, US_ASCII);
  }
}
