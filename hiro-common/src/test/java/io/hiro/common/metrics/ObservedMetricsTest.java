package io.hiro.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import org.junit.jupiter.api.Test;

/** What the metrics observed on every call cost beyond counting. */
class ObservedMetricsTest {
  /**
   * With exemplars on (the library's default), a data point observed while it takes exemplars hands a
   * task to the library's scheduler thread, to take them again 90 ms later: a wake-up of that thread
   * every 90 ms per busy data point, even with no trace to sample (session 42: ~0.2-0.3 context
   * switches per small put in each daemon).
   */
  @Test
  void observingHistogramsAndCountersStartsNoBackgroundThread() {
    Metrics metrics = new Metrics();
    Histogram seconds = metrics.seconds("test_duration_seconds", "durations", "method");
    Counter bytes = metrics.bytes("test_sent_bytes", "bytes", "method");

    for (int i = 0; i < 100; i++) {
      seconds.labelValues("a").observe(0.001 * i);
      bytes.labelValues("a").inc(4096);
    }

    assertThat(Thread.getAllStackTraces().keySet()).map(Thread::getName)
        .noneMatch(name -> name.startsWith("prometheus-metrics-scheduler"));
    assertThat(metrics.scrape()).contains("test_duration_seconds_count{method=\"a\"} 100")
        .contains("test_sent_bytes_total{method=\"a\"} 409600");
  }
}
