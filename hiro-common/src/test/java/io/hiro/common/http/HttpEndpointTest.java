package io.hiro.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hiro.common.guard.EndpointGuards;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class HttpEndpointTest {
  private final EndpointGuards guards = EndpointGuards.of("test", Clock.systemUTC(), 4, 16);
  private final List<Socket> sockets = new ArrayList<>();
  private HttpEndpoint endpoint;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    endpoint = HttpEndpoint.start("test", "127.0.0.1", 0, Map.of(
        "/", () -> HttpEndpoint.Response.html("<p>hello</p>"),
        "/broken", () -> {
          throw new IllegalStateException("no report yet");
        }), guards);
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    endpoint.close();
    client.close();
  }

  private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesItsPathsWithTheSafetyHeaders() throws Exception {
    HttpResponse<String> page = send("GET", "/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).isEqualTo("<p>hello</p>");
    assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("content-security-policy")).hasValue(
        "default-src 'none'; style-src 'unsafe-inline'");
    assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("cache-control")).hasValue("no-store");
    HttpResponse<String> head = send("HEAD", "/");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("content-length")).hasValue("12");
  }

  @Test
  void refusesOtherPathsAndMethodsAndSurvivesAFailingPage() throws Exception {
    HttpResponse<String> missing = send("GET", "/nothing");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("/nothing").contains("[/, /broken]");
    HttpResponse<String> post = send("POST", "/");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
    HttpResponse<String> broken = send("GET", "/broken");
    assertThat(broken.statusCode()).isEqualTo(503);
    assertThat(broken.body()).contains("no report yet");
    assertThat(send("GET", "/").statusCode()).isEqualTo(200);
  }

  @Test
  void answersPipelinedRequestsInOrderOnOneConnection() throws IOException {
    Socket socket = connect("127.0.0.1");
    OutputStream out = socket.getOutputStream();
    out.write(("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    socket.setSoTimeout(10_000);
    String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertThat(answers.indexOf("404 Not Found")).isNotNegative().isLessThan(answers.indexOf("200 OK"));
    assertThat(answers).endsWith("<p>hello</p>");
  }

  @Test
  void connectionsOverTheBoundOfOneAddressAreClosedAtOnce() throws Exception {
    List<Socket> stranger = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      stranger.add(connect("127.0.0.2"));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> guards.httpConnections().refused() == 3);
    assertThat(stranger.stream().filter(HttpEndpointTest::closedByPeer).count()).isEqualTo(3);
    assertThat(guards.httpConnections().open()).isEqualTo(4);
    assertThat(send("GET", "/").statusCode()).isEqualTo(200);
  }

  private Socket connect(String from) throws IOException {
    Socket socket = new Socket();
    sockets.add(socket);
    socket.bind(new InetSocketAddress(from, 0));
    socket.connect(new InetSocketAddress("127.0.0.1", endpoint.port()), 5_000);
    return socket;
  }

  private static boolean closedByPeer(Socket socket) {
    try {
      socket.setSoTimeout(200);
      InputStream in = socket.getInputStream();
      return in.read() < 0;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
