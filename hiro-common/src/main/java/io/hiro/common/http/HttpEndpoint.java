package io.hiro.common.http;

import io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.group.ChannelGroup;
import io.grpc.netty.shaded.io.netty.channel.group.DefaultChannelGroup;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpObjectAggregator;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpServerCodec;
import io.grpc.netty.shaded.io.netty.util.concurrent.GlobalEventExecutor;
import io.hiro.common.HiroException;
import io.hiro.common.Limits;
import io.hiro.common.guard.EndpointGuards;
import io.hiro.common.rpc.ConnectionGate;
import io.hiro.common.rpc.ServerTransports;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon's small HTTP side (status page, {@code /metrics}): a few fixed paths, GET and HEAD only,
 * each answered by a function of nothing ({@link HttpConnection}). It runs on the same network threads
 * as the gRPC servers, behind the same kind of {@link ConnectionGate}, so that a stranger cannot hold
 * more of its connections than of a gRPC port's: at most {@link EndpointGuards#httpConnections()},
 * each closed when a whole request does not come in time. No framework: the pages are read-only and
 * tiny, and a jar that starts in a blink matters more here than routing features.
 */
public final class HttpEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);
  private static final int LINE_MAX_BYTES = 4096;
  private static final int HEADERS_MAX_BYTES = 8192;

  /** One answer: status code, content type and body. */
  public record Response(int status, String contentType, byte[] body) {
    public static Response html(String page) {
      return new Response(200, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
    }

    public static Response json(String document) {
      return new Response(200, "application/json", document.getBytes(StandardCharsets.UTF_8));
    }

    public static Response text(int status, String text) {
      return new Response(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private final Channel server;
  private final ChannelGroup connections;
  private final ExecutorService executor;
  private final String name;

  private HttpEndpoint(Channel server, ChannelGroup connections, ExecutorService executor, String name) {
    this.server = server;
    this.connections = connections;
    this.executor = executor;
    this.name = name;
  }

  /** As {@link #start(String, String, int, Map, EndpointGuards)}, with bounds of its own. */
  public static HttpEndpoint start(String name, String bindHost, int port, Map<String, Supplier<Response>> routes) {
    return start(name, bindHost, port, routes, EndpointGuards.defaults(name, Clock.systemUTC()));
  }

  /**
   * Serves {@code routes} (exact paths such as {@code /} or {@code /metrics}) on {@code bindHost:port};
   * port 0 picks a free one. {@code name} says whose endpoint it is in messages, e.g. {@code master}.
   */
  public static HttpEndpoint start(String name, String bindHost, int port, Map<String, Supplier<Response>> routes,
      EndpointGuards guards) {
    Map<String, Supplier<Response>> paths = Map.copyOf(routes);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    ConnectionGate gate = new ConnectionGate(guards.node(), "HTTP", guards.httpConnections(), guards.httpWarnings());
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(ServerTransports.acceptGroup(), ServerTransports.networkGroup())
        .channelFactory(ServerTransports.gated(gate))
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel connection) {
            connections.add(connection);
            connection.pipeline().addLast(new HttpServerCodec(LINE_MAX_BYTES, HEADERS_MAX_BYTES, LINE_MAX_BYTES),
                new HttpObjectAggregator(Limits.HTTP_REQUEST_MAX_BYTES), new HttpConnection(name, paths, executor));
          }
        });
    ChannelFuture bound = bootstrap.bind(new InetSocketAddress(bindHost, port)).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      executor.shutdownNow();
      Throwable cause = bound.cause();
      if (cause instanceof BindException || String.valueOf(cause.getMessage()).contains("in use")) {
        throw HiroException.unavailable("%s: HTTP port %d on %s is in use or not allowed; pick another with "
            + "--http-port, or turn it off with --http-port off", name, port, bindHost);
      }
      throw HiroException.unavailable("%s: cannot serve HTTP on %s:%d: %s", name, bindHost, port, cause.getMessage());
    }
    return new HttpEndpoint(bound.channel(), connections, executor, name);
  }

  /** The port it listens on (the real one when 0 was asked). */
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly();
    connections.close().awaitUninterruptibly();
    executor.shutdownNow();
    LOG.debug("{}: HTTP endpoint stopped", name);
  }
}
