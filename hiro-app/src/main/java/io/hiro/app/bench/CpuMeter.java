package io.hiro.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU time Hiro's processes spend on a piece of work, and how busy the machine's cores were
 * meanwhile, so a figure can be set beside the rate its CPU use allows: a run that needs C seconds
 * of CPU per GiB cannot go faster than (cores / C) GiB/s, whatever its code waits on. The processes
 * are the bench's own (the client) and, when the bench started the cluster, the master and the
 * workers; the machine's busy time comes from {@code /proc/stat} (Linux) and covers every process
 * and the kernel's own threads.
 */
final class CpuMeter {
  private static final Logger LOG = LoggerFactory.getLogger(CpuMeter.class);
  private static final Path PROC_STAT = Path.of("/proc/stat");

  private final List<String> names;
  private final List<ProcessHandle> processes;

  private CpuMeter(List<String> names, List<ProcessHandle> processes) {
    this.names = names;
    this.processes = processes;
  }

  /** This process only: the cluster's processes are elsewhere or unknown. */
  static CpuMeter clientOnly() {
    return new CpuMeter(List.of("client"), List.of(ProcessHandle.current()));
  }

  /**
   * This process, the master and the workers (pids of processes on this machine); this process
   * only, with a warning, where the system does not tell another process's CPU time.
   */
  static CpuMeter withCluster(long masterPid, List<Long> workerPids) {
    List<String> names = new ArrayList<>(List.of("client", "master"));
    List<ProcessHandle> processes = new ArrayList<>(List.of(ProcessHandle.current(), handle(masterPid)));
    for (int i = 0; i < workerPids.size(); i++) {
      names.add("worker-" + (i + 1));
      processes.add(handle(workerPids.get(i)));
    }
    for (ProcessHandle process : processes) {
      if (process.info().totalCpuDuration().isEmpty()) {
        LOG.warn("the CPU time of process {} is not known here; the .cpu figures count the bench's own only", process.pid());
        return clientOnly();
      }
    }
    return new CpuMeter(List.copyOf(names), List.copyOf(processes));
  }

  private static ProcessHandle handle(long pid) {
    return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("process " + pid + " is not running"));
  }

  /** Whether the master's and the workers' CPU is counted too. */
  private boolean coversCluster() {
    return processes.size() > 1;
  }

  Sample sample() {
    long[] cpuNanos = new long[processes.size()];
    for (int i = 0; i < cpuNanos.length; i++) {
      ProcessHandle process = processes.get(i);
      cpuNanos[i] = process.info().totalCpuDuration().map(Duration::toNanos)
          .orElseThrow(() -> new IllegalStateException("the CPU time of process " + process.pid() + " is unknown"));
    }
    return new Sample(System.nanoTime(), cpuNanos, machineTicks());
  }

  /** Busy and all ticks of the machine's cores so far, if {@code /proc/stat} can be read. */
  private static Optional<long[]> machineTicks() {
    try {
      String[] fields = Files.readAllLines(PROC_STAT).getFirst().trim().split("\\s+");
      // cpu user nice system idle iowait irq softirq steal ...
      long total = 0;
      for (int i = 1; i < Math.min(fields.length, 9); i++) {
        total += Long.parseLong(fields[i]);
      }
      long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
      return Optional.of(new long[] {total - idle, total});
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** What the processes had used at one moment. */
  record Sample(long nanos, long[] cpuNanos, Optional<long[]> machineTicks) {}

  /** Usage from {@code before} to {@code after}, added to {@code so far} (null: none yet). */
  Usage add(Usage soFar, Sample before, Sample after) {
    double[] seconds = new double[names.size()];
    for (int i = 0; i < seconds.length; i++) {
      seconds[i] = (after.cpuNanos()[i] - before.cpuNanos()[i]) / 1e9 + (soFar == null ? 0 : soFar.cpuSeconds()[i]);
    }
    long[] ticks = null;
    if (before.machineTicks().isPresent() && after.machineTicks().isPresent()
        && (soFar == null || soFar.machineTicks() != null)) {
      ticks = new long[2];
      for (int i = 0; i < 2; i++) {
        ticks[i] = after.machineTicks().get()[i] - before.machineTicks().get()[i] + (soFar == null ? 0 : soFar.machineTicks()[i]);
      }
    }
    return new Usage(names, seconds, ticks, coversCluster());
  }

  /**
   * CPU seconds per process over some runs, and the busy and all ticks of the machine's cores
   * meanwhile (null if unknown).
   *
   * @param coversCluster the processes are the client, the master and the workers, not the client only
   */
  record Usage(List<String> names, double[] cpuSeconds, long[] machineTicks, boolean coversCluster) {
    double totalCpuSeconds() {
      double total = 0;
      for (double seconds : cpuSeconds) {
        total += seconds;
      }
      return total;
    }

    /**
     * The figure {@code name}: CPU seconds per GiB of {@code bytes} moved in all, beside the rate
     * that CPU use allows on {@code cores} cores and the measured {@code rateMegabytesPerSecond}.
     */
    Figure perGib(String name, long bytes, double rateMegabytesPerSecond, int cores) {
      double gib = bytes / (double) (1L << 30);
      double ceiling = cores * (1L << 30) / (totalCpuSeconds() / gib) / 1e6;
      return figure(Figure.of(name, totalCpuSeconds() / gib, "s/GiB"), gib, 1, ceiling, "MB/s", rateMegabytesPerSecond,
          cores);
    }

    /** As {@link #perGib}, in milliseconds of CPU per file of {@code files} files put or got in all. */
    Figure perFile(String name, long files, double rateFilesPerSecond, int cores) {
      double ceiling = cores * files / totalCpuSeconds();
      return figure(Figure.of(name, totalCpuSeconds() * 1000 / files, "ms/file"), files, 1000, ceiling, "files/s",
          rateFilesPerSecond, cores);
    }

    /**
     * {@code perUnit} (CPU seconds times {@code scale} per unit of work, {@code units} in all) with
     * its {@code ceiling} and the {@code rate} reached, both in {@code rateUnit}, the machine's busy
     * cores and each process's share.
     */
    private Figure figure(Figure perUnit, double units, double scale, double ceiling, String rateUnit, double rate,
        int cores) {
      Figure figure = perUnit;
      if (coversCluster) {
        figure = figure.note(String.format(Locale.ROOT, "CPU of the client, master and workers: at most %s %s on %d "
            + "cores (%.2f of it reached)", Figure.number(ceiling), rateUnit, cores, rate / ceiling));
      } else {
        figure = figure.note("CPU of the client only: the cluster's processes are not on this machine");
      }
      if (machineTicks != null && machineTicks[1] > 0) {
        figure = figure.note(String.format(Locale.ROOT, "(machine: %.2f of %d cores busy)",
            cores * (double) machineTicks[0] / machineTicks[1], cores));
      }
      return figure.note(IntStream.range(0, names.size())
          .mapToObj(i -> names.get(i) + " " + Figure.number(cpuSeconds[i] * scale / units))
          .collect(Collectors.joining(", ", "(" + perUnit.unit() + ": ", ")")));
    }
  }
}
