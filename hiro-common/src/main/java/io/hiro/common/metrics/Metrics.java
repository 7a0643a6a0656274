package io.hiro.common.metrics;

import io.hiro.common.http.HttpEndpoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The metrics of one daemon, in a registry of its own (several daemons share a JVM in tests, so no
 * global registry), served as Prometheus text at {@code /metrics}. Most values are read when scraped
 * ({@link #gauge}, {@link #counter}) from plain counters the core keeps, so the core never imports a
 * metrics library; the few that are observed as they happen are latency histograms ({@link #seconds})
 * and byte counters ({@link #bytes}).
 */
public final class Metrics {
  /** Upper bounds for latencies, in seconds: from 0.1 ms (an fsync on a fast disk) to a minute (a piece stream). */
  static final double[] SECONDS_BOUNDS =
      {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
  private final RpcMetrics rpc;

  public Metrics() {
    this.rpc = new RpcMetrics(this);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** Latencies and bytes of every gRPC call this daemon serves or makes. */
  public RpcMetrics rpc() {
    return rpc;
  }

  /** A value read at each scrape; {@code name} in Prometheus style, e.g. {@code hiro_worker_free_bytes}. */
  public void gauge(String name, String help, DoubleSupplier value) {
    GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
  }

  /** A count that only grows, read at each scrape; exposed as {@code name_total}. */
  public void counter(String name, String help, DoubleSupplier value) {
    CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
  }

  /**
   * Bytes counted as they move, exposed as {@code name_total}. Without exemplars, as {@link #seconds}.
   */
  public Counter bytes(String name, String help, String... labels) {
    return Counter.builder().name(name).help(help).unit(Unit.BYTES).labelNames(labels).withoutExemplars()
        .register(registry);
  }

  /**
   * A latency histogram in seconds, observed as things happen. Without exemplars: Hiro has no traces
   * for them to point at, and while on, each busy data point woke the library's scheduler thread
   * every 90 ms to take exemplars again (session 42).
   */
  public Histogram seconds(String name, String help, String... labels) {
    return Histogram.builder().name(name).help(help).unit(Unit.SECONDS).labelNames(labels)
        .classicOnly().classicUpperBounds(SECONDS_BOUNDS).withoutExemplars().register(registry);
  }

  /** Everything registered, in the Prometheus text format. */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      text.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The {@code /metrics} route for an {@link HttpEndpoint}. */
  public Supplier<HttpEndpoint.Response> route() {
    return () -> new HttpEndpoint.Response(200, PrometheusTextFormatWriter.CONTENT_TYPE,
        scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
