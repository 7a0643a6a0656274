package io.hiro.common.http;

import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.SimpleChannelInboundHandler;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderNames;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaders;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpUtil;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpVersion;
import io.grpc.netty.shaded.io.netty.handler.codec.http.QueryStringDecoder;
import io.hiro.common.Limits;
import io.hiro.common.http.HttpEndpoint.Response;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP connection of an {@link HttpEndpoint}: answers each whole request in order (pages are
 * rendered on {@code executor}, off the network thread), and closes the connection when a request has
 * not arrived whole within {@link Limits#HTTP_REQUEST_TIMEOUT_SECONDS} of the connection's start
 * ("slowloris"), when it stays idle longer than {@link Limits#HTTP_IDLE_TIMEOUT_SECONDS} after an
 * answer, or when more than {@link Limits#HTTP_PIPELINED_MAX} requests wait for theirs.
 *
 * <p>Invariant: the deadline timer and the count of waiting requests are only touched on the
 * connection's network thread.
 */
final class HttpConnection extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);

  private final String name;
  private final Map<String, Supplier<Response>> routes;
  private final Executor executor;
  private ScheduledFuture<?> deadline;
  private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);
  private int waiting;

  HttpConnection(String name, Map<String, Supplier<Response>> routes, Executor executor) {
    this.name = name;
    this.routes = routes;
    this.executor = executor;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    closeAfter(ctx, Limits.HTTP_REQUEST_TIMEOUT_SECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelDeadline();
    ctx.fireChannelInactive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    cancelDeadline();
    if (++waiting > Limits.HTTP_PIPELINED_MAX) {
      ctx.close();
      return;
    }
    if (request.decoderResult().isFailure()) {
      send(ctx, Response.text(400, "not an HTTP request this server understands\n"), false, false, new String[1]);
      return;
    }
    String method = request.method().name();
    String path = new QueryStringDecoder(request.uri()).path();
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    // The request is released when this returns: only its method, path and keep-alive go on.
    // Each answer after the one before, so pipelined requests are answered in order; a stage that failed
    // (the executor stopped with the endpoint) must not hold back the next, which closes the connection.
    previous = previous.exceptionally(failed -> null).thenRunAsync(() -> {
      String[] allow = new String[1];
      Response response = answer(method, path, allow);
      send(ctx, response, keepAlive, method.equals("HEAD"), allow);
    }, executor).whenComplete((done, failed) -> {
      if (failed != null) {
        LOG.debug("{}: HTTP connection from {} closed: {}", name, ctx.channel().remoteAddress(), failed.toString());
        ctx.close();
      }
    });
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("{}: HTTP connection from {} closed: {}", name, ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  /** The answer to {@code method} on {@code path}; sets {@code allow[0]} for a 405. */
  private Response answer(String method, String path, String[] allow) {
    if (!method.equals("GET") && !method.equals("HEAD")) {
      allow[0] = "GET, HEAD";
      return Response.text(405, "only GET and HEAD are served here\n");
    }
    Supplier<Response> route = routes.get(path);
    if (route == null) {
      return Response.text(404, "nothing at " + path + "; try " + routes.keySet().stream().sorted().toList() + "\n");
    }
    try {
      return route.get();
    } catch (RuntimeException e) {
      LOG.warn("{}: an HTTP page failed: {}", name, e.toString());
      return Response.text(503, name + " cannot answer now: " + e.getMessage() + "\n");
    }
  }

  private void send(ChannelHandlerContext ctx, Response response, boolean keepAlive, boolean headOnly,
      String[] allow) {
    FullHttpResponse message = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(response.status()),
        headOnly ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(response.body()));
    HttpHeaders headers = message.headers();
    headers.set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
    headers.set(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
    headers.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    // The pages load nothing from anywhere: inline CSS only, no script, no image, no font.
    headers.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    if (allow[0] != null) {
      headers.set(HttpHeaderNames.ALLOW, allow[0]);
    }
    HttpUtil.setKeepAlive(message, keepAlive);
    ctx.writeAndFlush(message).addListener((ChannelFutureListener) written -> {
      waiting--;
      if (!keepAlive || !written.isSuccess()) {
        ctx.close();
      } else if (waiting == 0) {
        closeAfter(ctx, Limits.HTTP_IDLE_TIMEOUT_SECONDS);
      }
    });
  }

  private void closeAfter(ChannelHandlerContext ctx, int seconds) {
    cancelDeadline();
    deadline = ctx.executor().schedule(() -> {
      LOG.debug("{}: HTTP connection from {} closed: no whole request within {} s", name,
          ctx.channel().remoteAddress(), seconds);
      ctx.close();
    }, seconds, TimeUnit.SECONDS);
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }
}
