package io.hiro.common.rpc;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFactory;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The network threads and listening sockets of every Hiro server in this process (gRPC and HTTP),
 * whose threads also carry the calls a server makes to other servers ({@link #connections()}):
 * epoll where the platform has it, else NIO, as gRPC would choose. Hiro supplies them itself only to
 * put a {@link ConnectionGate} on each listening socket, which gRPC's builder offers no other hook
 * for. The threads are shared by every server of the process, daemon threads, and live as long as it.
 */
public final class ServerTransports {
  private static final boolean EPOLL = Epoll.isAvailable();

  private ServerTransports() {}

  /** Holds the groups, made on first use. */
  private static final class Groups {
    static final EventLoopGroup ACCEPT = group(1, "hiro-accept");
    static final EventLoopGroup NETWORK = group(networkThreads(), "hiro-network");

    private static EventLoopGroup group(int threads, String name) {
      IoHandlerFactory handlers = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
      return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), handlers);
    }
  }

  /** Netty's own setting for its thread count, which {@link #networkThreads()} honours where it is set. */
  static final String THREADS_PROPERTY = "io.grpc.netty.shaded.io.netty.eventLoopThreads";

  /**
   * The network threads of a daemon: half the cores, at least one, unless {@link #THREADS_PROPERTY}
   * gives a number (e.g. {@code HIRO_JAVA_OPTS=-Dio.grpc.netty.shaded.io.netty.eventLoopThreads=4}),
   * which counts as Netty counts it (at least one). Netty's default, two per core, suits a server
   * whose network threads do all its work; Hiro's daemons hand their disk work, fsyncs and journal
   * to threads of their own (the network threads carry the messages, TLS, and the short answers:
   * stat, create, commit, a piece's dispatch), and every extra network thread adds wake-ups and
   * context switches. On session 22's 2-core VM, where a switch cost ~14 us, one network thread per
   * daemon instead of four made 17-20% more small puts per second with 8 clients at 15% less CPU per
   * put (docs/BENCHMARKS.md).
   */
  static int networkThreads() {
    return networkThreads(Integer.getInteger(THREADS_PROPERTY), Runtime.getRuntime().availableProcessors());
  }

  /** {@link #networkThreads()} for the property's number ({@code null} if not set) and {@code cores}. */
  static int networkThreads(Integer property, int cores) {
    return Math.max(1, property != null ? property : cores / 2);
  }

  /** The thread that accepts connections. */
  public static EventLoopGroup acceptGroup() {
    return Groups.ACCEPT;
  }

  /** The threads that read and write the connections. */
  public static EventLoopGroup networkGroup() {
    return Groups.NETWORK;
  }

  /**
   * Connections for channels on {@link #networkGroup()}: a server's own calls to other servers (a
   * worker's to the next worker of a chain and to the master) share its network threads.
   */
  static ChannelFactory<Channel> connections() {
    return EPOLL ? EpollSocketChannel::new : NioSocketChannel::new;
  }

  /** Listening sockets with {@code gate} in front of everything else. */
  public static ChannelFactory<ServerChannel> gated(ConnectionGate gate) {
    return () -> {
      ServerChannel channel = EPOLL ? new EpollServerSocketChannel() : new NioServerSocketChannel();
      channel.pipeline().addLast(gate);
      return channel;
    };
  }

  /** As {@link #gated}, for gRPC: each admitted connection's HTTP/2 decoder copies less ({@link AdaptiveCumulation}). */
  static ChannelFactory<ServerChannel> gatedGrpc(ConnectionGate gate) {
    ChannelFactory<ServerChannel> gated = gated(gate);
    return () -> {
      ServerChannel channel = gated.newChannel();
      channel.pipeline().addLast(AdaptiveCumulation.ON_ACCEPT);
      return channel;
    };
  }
}
