package io.hiro.common.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hiro.common.HiroException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon's small HTTP side (status page, {@code /metrics}), on the JDK's own server: a few fixed
 * paths, GET only, each answered by a function of nothing. No framework: the pages are read-only and
 * tiny, and a jar that starts in a blink matters more here than routing features.
 */
public final class HttpEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);
  /** Connections waiting to be accepted; more are refused by the kernel. */
  static final int BACKLOG = 16;

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

  private final HttpServer server;
  private final ExecutorService executor;
  private final String name;

  private HttpEndpoint(HttpServer server, ExecutorService executor, String name) {
    this.server = server;
    this.executor = executor;
    this.name = name;
  }

  /**
   * Serves {@code routes} (exact paths such as {@code /} or {@code /metrics}) on {@code bindHost:port};
   * port 0 picks a free one. {@code name} says whose endpoint it is in messages, e.g. {@code master}.
   */
  public static HttpEndpoint start(String name, String bindHost, int port, Map<String, Supplier<Response>> routes) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(bindHost, port), BACKLOG);
    } catch (BindException e) {
      throw HiroException.unavailable("%s: HTTP port %d on %s is in use or not allowed; pick another with "
          + "--http-port, or turn it off with --http-port off", name, port, bindHost);
    } catch (IOException e) {
      throw HiroException.unavailable("%s: cannot serve HTTP on %s:%d: %s", name, bindHost, port, e.getMessage());
    }
    Map<String, Supplier<Response>> paths = Map.copyOf(routes);
    server.createContext("/", exchange -> answer(name, exchange, paths));
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.start();
    return new HttpEndpoint(server, executor, name);
  }

  /** The port it listens on (the real one when 0 was asked). */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    LOG.debug("{}: HTTP endpoint stopped", name);
  }

  private static void answer(String name, HttpExchange exchange, Map<String, Supplier<Response>> routes)
      throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      Supplier<Response> route = routes.get(exchange.getRequestURI().getPath());
      Response response;
      if (!method.equals("GET") && !method.equals("HEAD")) {
        response = Response.text(405, "only GET and HEAD are served here\n");
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      } else if (route == null) {
        response = Response.text(404, "nothing at " + exchange.getRequestURI().getPath() + "; try " + routes.keySet()
            .stream().sorted().toList() + "\n");
      } else {
        response = render(name, route);
      }
      send(exchange, method.equals("HEAD"), response);
    }
  }

  private static Response render(String name, Supplier<Response> route) {
    try {
      return route.get();
    } catch (RuntimeException e) {
      LOG.warn("{}: an HTTP page failed: {}", name, e.toString());
      return Response.text(503, name + " cannot answer now: " + e.getMessage() + "\n");
    }
  }

  private static void send(HttpExchange exchange, boolean headOnly, Response response) throws IOException {
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", response.contentType());
    headers.set("Cache-Control", "no-store");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    // The pages load nothing from anywhere: inline CSS only, no script, no image, no font.
    headers.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    exchange.sendResponseHeaders(response.status(), headOnly ? -1 : response.body().length);
    if (!headOnly) {
      try (OutputStream body = exchange.getResponseBody()) {
        body.write(response.body());
      }
    }
  }
}
