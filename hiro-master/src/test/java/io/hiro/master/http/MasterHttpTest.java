package io.hiro.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.HostPort;
import io.hiro.master.MasterServer;
import io.hiro.master.config.MasterConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MasterHttpTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void theMasterServesItsStatusPageAndJsonOverHttp(@TempDir Path temp) throws Exception {
    MasterConfig config = MasterConfig.builder().bindHost("127.0.0.1").port(0).httpPort(0).dataDir(temp)
        .expectedWorkers(List.of(HostPort.parse("127.0.0.1:5050"))).build();
    try (MasterServer server = MasterServer.start(config)) {
      String base = "http://127.0.0.1:" + server.httpPort().orElseThrow();

      HttpResponse<String> page = get(base + "/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v ->
          assertThat(v).startsWith("default-src 'none'"));
      assertThat(page.body()).contains("DEGRADED", "127.0.0.1:5050", "missing");

      HttpResponse<String> json = get(base + "/status.json");
      assertThat(json.statusCode()).isEqualTo(200);
      assertThat(json.body()).startsWith("{\"health\":\"DEGRADED\"").contains("\"state\":\"missing\"");

      assertThat(get(base + "/nothing").statusCode()).isEqualTo(404);
      HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void theMasterServesNoHttpWhenItIsOff(@TempDir Path temp) {
    MasterConfig config = MasterConfig.builder().bindHost("127.0.0.1").port(0).dataDir(temp).build();
    try (MasterServer server = MasterServer.start(config)) {
      assertThat(server.httpPort()).isEmpty();
    }
  }

  @Test
  void manyLooksWithinASecondTakeOneSnapshot() {
    AtomicInteger taken = new AtomicInteger();
    long[] now = {1_000};
    MasterHttp pages = new MasterHttp(() -> {
      taken.incrementAndGet();
      return StatusPageTest.viewWithADeadWorker();
    }, () -> now[0]);
    for (int i = 0; i < 10; i++) {
      pages.routes(java.util.Map.of()).get("/").get();
    }
    assertThat(taken).hasValue(1);
    now[0] += MasterHttp.SNAPSHOT_MAX_AGE_MILLIS;
    pages.routes(java.util.Map.of()).get("/status.json").get();
    assertThat(taken).hasValue(2);
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
