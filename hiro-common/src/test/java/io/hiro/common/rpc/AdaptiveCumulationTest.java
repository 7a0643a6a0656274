package io.hiro.common.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.embedded.EmbeddedChannel;
import io.grpc.netty.shaded.io.netty.handler.codec.AdaptiveCumulator;
import io.grpc.netty.shaded.io.netty.handler.codec.ByteToMessageDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2ConnectionDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2ConnectionEncoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Connection;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Settings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdaptiveCumulationTest {
  @Test
  void setsTheAdaptiveCumulatorOnTheHttp2HandlerOnceGrpcHasAddedItAndThenLeaves() {
    EmbeddedChannel connection = new EmbeddedChannel();
    AdaptiveCumulation.onConnection(connection);
    List<Object> passedOn = new ArrayList<>();
    connection.pipeline().addLast("app", new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object message) {
        passedOn.add(message);
      }
    });

    // Before gRPC has set the connection up (a TLS handshake, say): reads pass, the handler stays.
    connection.writeInbound("handshake");
    assertThat(connection.pipeline().get(AdaptiveCumulation.class)).isNotNull();

    RecordingHttp2Handler http2 = RecordingHttp2Handler.create();
    connection.pipeline().addBefore("app", "http2", http2);
    connection.writeInbound("first frame");

    assertThat(http2.cumulators).singleElement().isInstanceOf(AdaptiveCumulator.class);
    assertThat(connection.pipeline().get(AdaptiveCumulation.class)).isNull();
    assertThat(passedOn).containsExactly("handshake", "first frame");
    connection.writeInbound("second frame");
    assertThat(http2.cumulators).hasSize(1);
    connection.finishAndReleaseAll();
  }

  @Test
  void theListeningSideAddsOneToEachAcceptedConnection() {
    EmbeddedChannel listener = new EmbeddedChannel(AdaptiveCumulation.ON_ACCEPT);
    EmbeddedChannel accepted = new EmbeddedChannel();

    listener.writeInbound(accepted);

    assertThat(accepted.pipeline().first()).isInstanceOf(AdaptiveCumulation.class);
    assertThat((Object) listener.readInbound()).isSameAs(accepted);
    listener.finishAndReleaseAll();
    accepted.finishAndReleaseAll();
  }

  /** An HTTP/2 handler that records the cumulators set on it and passes everything else on. */
  private static final class RecordingHttp2Handler extends Http2ConnectionHandler {
    final List<ByteToMessageDecoder.Cumulator> cumulators = new ArrayList<>();

    private RecordingHttp2Handler(DefaultHttp2ConnectionDecoder decoder, Http2ConnectionEncoder encoder) {
      super(decoder, encoder, new Http2Settings());
    }

    static RecordingHttp2Handler create() {
      Http2Connection connection = new DefaultHttp2Connection(true);
      Http2ConnectionEncoder encoder = new DefaultHttp2ConnectionEncoder(connection, new DefaultHttp2FrameWriter());
      return new RecordingHttp2Handler(
          new DefaultHttp2ConnectionDecoder(connection, encoder, new DefaultHttp2FrameReader()), encoder);
    }

    @Override
    public void setCumulator(Cumulator cumulator) {
      cumulators.add(cumulator);
      super.setCumulator(cumulator);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      ctx.fireChannelRead(message); // not HTTP/2 bytes: a test's marker
    }
  }
}
