package io.hiro.common.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.WritePieceRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AliasingMarshallerTest {
  private final MethodDescriptor<WritePieceRequest, ?> method =
      AliasingMarshaller.forRequests(DataServiceGrpc.getWritePieceMethod(), WritePieceRequest.getDefaultInstance());

  @Test
  void parsesWhatGrpcSendsWithTheSameBytes() throws IOException {
    byte[] bytes = new byte[1 << 20];
    new Random(7).nextBytes(bytes);
    WritePieceRequest sent = WritePieceRequest.newBuilder()
        .setData(PieceData.newBuilder().setOffset(42).setData(ByteString.copyFrom(bytes)).setCrc32C(9)).build();

    WritePieceRequest parsed = method.getRequestMarshaller().parse(known(method.getRequestMarshaller().stream(sent)));

    assertThat(parsed).isEqualTo(sent);
    assertThat(parsed.getData().getData().toByteArray()).isEqualTo(bytes);
    ByteBuffer data = ByteStrings.view(parsed.getData().getData());
    assertThat(data.hasArray()).isTrue();
    assertThat(data.array().length).as("the data shares the whole message's array, not a copy of its own")
        .isEqualTo(sent.getSerializedSize());
  }

  @Test
  void aMessageThatIsNotProtobufIsAnInternalErrorNotAnException() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};

    assertThatThrownBy(() -> method.getRequestMarshaller().parse(known(new ByteArrayInputStream(garbage))))
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INTERNAL));
  }

  /** As gRPC hands a received message to a marshaller: a stream that knows its length. */
  private static InputStream known(InputStream in) throws IOException {
    byte[] all = in.readAllBytes();
    return new KnownLengthStream(all);
  }

  private static final class KnownLengthStream extends ByteArrayInputStream implements KnownLength {
    KnownLengthStream(byte[] bytes) {
      super(bytes);
    }
  }
}
