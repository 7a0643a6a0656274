package io.hiro.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A scrape of a {@code /metrics} endpoint, parsed as the Prometheus text format: one value per sample. */
record PrometheusText(String contentType, Map<String, Double> samples) {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static PrometheusText scrape(String url) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError(url + " answered " + response.statusCode() + ": " + response.body());
    }
    return new PrometheusText(response.headers().firstValue("Content-Type").orElse(""), parse(response.body()));
  }

  /** Sample lines are {@code name{label="value",...} number}; comments (# HELP, # TYPE) are checked for shape. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        if (!line.startsWith("# HELP ") && !line.startsWith("# TYPE ")) {
          throw new AssertionError("not a HELP or TYPE comment: " + line);
        }
        continue;
      }
      int space = line.lastIndexOf(' ');
      String name = line.substring(0, space);
      if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})?")) {
        throw new AssertionError("not a sample name: " + line);
      }
      samples.put(name, Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }

  /** The value of one sample, e.g. {@code hiro_master_files} or {@code x_total{method="a"}}; fails if absent. */
  double value(String sample) {
    Double value = samples.get(sample);
    if (value == null) {
      throw new AssertionError("no sample " + sample + " in " + samples.keySet());
    }
    return value;
  }

  /** The sum of the samples of {@code name} whose labels contain {@code labelText} (all when empty). */
  double sum(String name, String labelText) {
    return samples.entrySet().stream()
        .filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
        .filter(e -> e.getKey().contains(labelText))
        .mapToDouble(Map.Entry::getValue).sum();
  }
}
