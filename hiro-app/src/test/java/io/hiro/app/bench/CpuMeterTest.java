package io.hiro.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuMeterTest {
  @Test
  void perGibSetsTheCpuUsedBesideTheRateItAllows() {
    CpuMeter.Usage usage = new CpuMeter.Usage(List.of("client", "master"), new double[] {1.0, 3.0},
        new double[] {0.2, 0.6}, new CpuMeter.MachineTicks(150, 0, 0, 200, 2), 2);

    Figure figure = usage.perGib("put.2gib.cpu", 2L << 30, 400);

    // 4 s of CPU for 2 GiB: 2 s per GiB, so 2 cores move at most 1 GiB/s = 1073.7 MB/s
    assertThat(figure.value()).isEqualTo(2.0);
    assertThat(figure.line()).isEqualTo("put.2gib.cpu: 2.0 s/GiB   CPU of the client, master and workers: at most "
        + "1073.7 MB/s on 2 cores (0.37 of it reached)   (machine: 1.50 of 2 cores busy)   (s/GiB: client 0.50, master 1.5; "
        + "of it JIT compilers 0.40)");
    assertThat(usage.compilerShare()).hasValue(0.2);
  }

  @Test
  void perFileIsInMillisecondsAndWithoutTheClusterHasNoCeiling() {
    CpuMeter.Usage usage = new CpuMeter.Usage(List.of("client"), new double[] {0.5}, null, null, 2);

    Figure figure = usage.perFile("put.4kib.8clients.cpu", 1_000, 900);

    assertThat(figure.line()).isEqualTo("put.4kib.8clients.cpu: 0.50 ms/file   CPU of the client only: the master's and "
        + "the workers' are not counted   (ms/file: client 0.50)");
    assertThat(usage.compilerShare()).isEmpty();
  }

  @Test
  void compilerSecondsAddUpOverRunsAndAreUnknownOnceASampleLacksThem() {
    CpuMeter meter = CpuMeter.clientOnly();
    CpuMeter.Sample start = new CpuMeter.Sample(new long[] {0}, List.of(Map.of(7L, 100L)), null);
    CpuMeter.Sample middle = new CpuMeter.Sample(new long[] {2_000_000_000L}, List.of(Map.of(7L, 150L)), null);
    CpuMeter.Sample end = new CpuMeter.Sample(new long[] {4_000_000_000L}, List.of(Map.of(7L, 170L, 9L, 30L)), null);
    CpuMeter.Sample blind = new CpuMeter.Sample(new long[] {5_000_000_000L}, null, null);

    CpuMeter.Usage first = meter.add(null, start, middle);
    CpuMeter.Usage both = meter.add(first, middle, end);

    // 0.5 s of the first 2 s, then 0.2 + 0.3 s (a new thread counts from 0) of the next 2 s
    assertThat(first.compilerSeconds()).containsExactly(0.5);
    assertThat(both.compilerSeconds()).containsExactly(1.0);
    assertThat(both.compilerShare()).hasValue(0.25);
    assertThat(meter.add(both, end, blind).compilerSeconds()).isNull();
    assertThat(meter.add(null, blind, end).compilerShare()).isEmpty();
  }

  @Test
  void procStatGivesBusyIoWaitStolenAndAllTicksAndCountsTheCpus() {
    String procStat = """
        cpu  100 5 20 300 10 1 4 8 50 0
        cpu0 50 2 10 150 5 1 2 4 25 0
        cpu1 50 3 10 150 5 0 2 4 25 0
        intr 12345
        """;
    CpuMeter.MachineTicks earlier = CpuMeter.MachineTicks.parse(procStat);
    CpuMeter.MachineTicks later = CpuMeter.MachineTicks.parse(procStat.replaceFirst("cpu  100 5 20 300 10 1 4 8",
        "cpu  200 5 40 380 10 1 4 28"));
    CpuMeter.MachineTicks waiting = CpuMeter.MachineTicks.parse(procStat.replaceFirst("cpu  100 5 20 300 10 1 4 8",
        "cpu  160 5 30 340 70 1 4 8"));

    // busy = user + nice + system + irq + softirq (guest, column 9, is inside user already)
    assertThat(earlier).isEqualTo(new CpuMeter.MachineTicks(130, 10, 8, 448, 2));
    // 120 busy, 80 idle, 20 stolen ticks of 220
    assertThat(later.minus(earlier).note()).isEqualTo("(machine: 1.09 of 2 cores busy, 0.18 stolen by the host)");
    // 70 busy, 40 idle, 60 iowait ticks of 170
    assertThat(waiting.minus(earlier).note()).isEqualTo("(machine: 0.82 of 2 cores busy, 0.71 idle waiting for the disk)");
    assertThat(new CpuMeter.MachineTicks(100, 0, 1, 1000, 2).note()).isEqualTo("(machine: 0.20 of 2 cores busy)");
    assertThatThrownBy(() -> CpuMeter.MachineTicks.parse("intr 1\n")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSampleCountsTheCpuThisProcessSpends() {
    CpuMeter meter = CpuMeter.clientOnly();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    CpuMeter.Sample before = meter.sample();
    long threadStart = threads.getCurrentThreadCpuTime();
    long sink = 0;
    while (threads.getCurrentThreadCpuTime() - threadStart < 300_000_000L) {
      sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
    }
    CpuMeter.Usage usage = meter.add(null, before, meter.sample());

    // this thread alone spent 0.3 s of CPU; the kernel counts a process's in 10 ms ticks
    assertThat(usage.cpuSeconds()[0]).as("sink %d", sink).isGreaterThanOrEqualTo(0.28);
    assertThat(usage.coversCluster()).isFalse();
  }
}
