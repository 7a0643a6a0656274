package io.hiro.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuMeterTest {
  @Test
  void perGibSetsTheCpuUsedBesideTheRateItAllows() {
    CpuMeter.Usage usage = new CpuMeter.Usage(List.of("client", "master"), new double[] {1.0, 3.0}, new long[] {150, 200},
        true);

    Figure figure = usage.perGib("put.2gib.cpu", 2L << 30, 400, 2);

    // 4 s of CPU for 2 GiB: 2 s per GiB, so 2 cores move at most 1 GiB/s = 1073.7 MB/s
    assertThat(figure.value()).isEqualTo(2.0);
    assertThat(figure.line()).isEqualTo("put.2gib.cpu: 2.0 s/GiB   CPU of the client, master and workers: at most "
        + "1073.7 MB/s on 2 cores (0.37 of it reached)   (machine: 1.50 of 2 cores busy)   (s/GiB: client 0.50, master 1.5)");
  }

  @Test
  void perFileIsInMillisecondsAndWithoutTheClusterHasNoCeiling() {
    CpuMeter.Usage usage = new CpuMeter.Usage(List.of("client"), new double[] {0.5}, null, false);

    Figure figure = usage.perFile("put.4kib.8clients.cpu", 1_000, 900, 2);

    assertThat(figure.line()).isEqualTo("put.4kib.8clients.cpu: 0.50 ms/file   CPU of the client only: the cluster's "
        + "processes are not on this machine   (ms/file: client 0.50)");
  }

  @Test
  void aSampleCountsTheCpuThisProcessSpends() {
    CpuMeter meter = CpuMeter.clientOnly();
    CpuMeter.Sample before = meter.sample();
    long spinUntil = System.nanoTime() + 300_000_000L;
    long sink = 0;
    while (System.nanoTime() < spinUntil) {
      sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
    }
    CpuMeter.Usage usage = meter.add(null, before, meter.sample());

    // 0.3 s of wall spinning on one thread; the kernel counts CPU in 10 ms ticks
    assertThat(usage.cpuSeconds()[0]).as("sink %d", sink).isGreaterThanOrEqualTo(0.25);
    assertThat(usage.coversCluster()).isFalse();
  }
}
