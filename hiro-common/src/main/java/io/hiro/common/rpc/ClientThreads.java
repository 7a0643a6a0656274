package io.hiro.common.rpc;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFactory;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The network thread of one client, stopped when the client closes. gRPC's own shared threads
 * outlive the last channel by a second, and a thread waiting in the kernel (epoll) holds up the
 * JVM's exit by 0.3 s: most of what a one-shot {@code hiro client stat} would spend after its answer.
 */
public final class ClientThreads implements AutoCloseable {
  private static final long QUIET_MILLIS = 0;
  private static final long STOP_WAIT_MILLIS = 2_000;

  private final EventLoopGroup group;
  private final boolean epoll;

  public ClientThreads(String name) {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true), handlers);
    this.epoll = epoll;
  }

  EventLoopGroup group() {
    return group;
  }

  /** New connections on these threads, each with {@link AdaptiveCumulation} first in its pipeline. */
  ChannelFactory<Channel> channelFactory() {
    return () -> {
      Channel channel = epoll ? new EpollSocketChannel() : new NioSocketChannel();
      AdaptiveCumulation.onConnection(channel);
      return channel;
    };
  }

  /** Stops the thread; call it after every channel that uses it was shut down. */
  @Override
  public void close() {
    group.shutdownGracefully(QUIET_MILLIS, STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
  }
}
