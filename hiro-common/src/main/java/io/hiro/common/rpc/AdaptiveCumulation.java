package io.hiro.common.rpc;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.codec.AdaptiveCumulator;
import io.grpc.netty.shaded.io.netty.handler.codec.ByteToMessageDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2ConnectionHandler;
import java.util.Map;

/**
 * Keeps gRPC's HTTP/2 decoder from copying every byte it receives once more. Netty gathers the
 * bytes of a connection that do not yet make a whole frame in a cumulation buffer; by default it
 * merges each new socket read into that buffer, and because gRPC keeps slices of it (a message's
 * data until it is parsed), the merge finds it shared and copies the buffer and the new read into a
 * new one, nearly every read. A put's workers spent 6.7-7.5% of their CPU there (session 12's
 * profile, {@code ByteToMessageDecoder.expandCumulation}). Netty's {@link AdaptiveCumulator} adds
 * reads of {@link #COMPOSE_MIN_BYTES} or more to a composite buffer instead of copying them, and
 * merges smaller ones, so a peer sending a byte at a time still costs no more than the default
 * (grpc-java used the same strategy, its own copy of it, from 1.50 to 1.64).
 *
 * <p>gRPC's builders offer no hook for the decoder, so a handler put first in each connection's
 * pipeline ({@link #onConnection}) looks for it on each read until gRPC has added it (after the
 * TLS handshake, with TLS), sets the cumulator and leaves the pipeline.
 */
public final class AdaptiveCumulation extends ChannelInboundHandlerAdapter {
  /** As grpc-java's own adaptive cumulator: reads smaller than this are merged, as before. */
  static final int COMPOSE_MIN_BYTES = 1024;
  private static final ByteToMessageDecoder.Cumulator CUMULATOR = new AdaptiveCumulator(COMPOSE_MIN_BYTES);

  /** On a listening channel: puts an {@link AdaptiveCumulation} first in each accepted connection. */
  static final ChannelHandler ON_ACCEPT = new OnAccept();

  private AdaptiveCumulation() {}

  /** Puts a new one first in {@code connection}'s pipeline, before gRPC sets the connection up. */
  static void onConnection(Channel connection) {
    connection.pipeline().addFirst(new AdaptiveCumulation());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (setOnHttp2Decoder(ctx)) {
      ctx.pipeline().remove(this);
    }
    ctx.fireChannelRead(message);
  }

  /** Sets {@link #CUMULATOR} on the connection's HTTP/2 handler; false if gRPC has not added one yet. */
  private static boolean setOnHttp2Decoder(ChannelHandlerContext ctx) {
    for (Map.Entry<String, ChannelHandler> entry : ctx.pipeline()) {
      if (entry.getValue() instanceof Http2ConnectionHandler http2) {
        http2.setCumulator(CUMULATOR);
        return true;
      }
    }
    return false;
  }

  @ChannelHandler.Sharable
  private static final class OnAccept extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      if (message instanceof Channel connection) {
        onConnection(connection);
      }
      ctx.fireChannelRead(message);
    }
  }
}
