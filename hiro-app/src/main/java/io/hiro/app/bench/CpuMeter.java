package io.hiro.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
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
 * and the kernel's own threads. The part of each process's CPU that its JIT compilers used is shown
 * too where {@code /proc} tells it ({@link CompilerThreads}): a figure taken while they still work
 * measures a passing state.
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
    return of(names, processes).orElseGet(() -> {
      LOG.warn("the CPU time of the cluster's processes is not known here; the .cpu figures count the bench's own only");
      return clientOnly();
    });
  }

  /** The {@code processes}, each under its name; empty where the system does not tell one's CPU time. */
  static Optional<CpuMeter> of(List<String> names, List<ProcessHandle> processes) {
    for (ProcessHandle process : processes) {
      if (process.info().totalCpuDuration().isEmpty()) {
        return Optional.empty();
      }
    }
    return Optional.of(new CpuMeter(List.copyOf(names), List.copyOf(processes)));
  }

  private static ProcessHandle handle(long pid) {
    return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("process " + pid + " is not running"));
  }

  /** Whether the master's and the workers' CPU is counted too. */
  boolean coversCluster() {
    return processes.size() > 1;
  }

  Sample sample() {
    long[] cpuNanos = new long[processes.size()];
    for (int i = 0; i < cpuNanos.length; i++) {
      ProcessHandle process = processes.get(i);
      String name = names.get(i);
      cpuNanos[i] = process.info().totalCpuDuration().map(Duration::toNanos).orElseThrow(() -> new IllegalStateException(
          process.isAlive() ? "the CPU time of the bench's " + name + " (process " + process.pid() + ") is unknown"
              : "the bench's " + name + " (process " + process.pid() + ") has exited; see its log"));
    }
    List<Map<Long, Long>> compilers = new ArrayList<>();
    for (ProcessHandle process : processes) {
      Optional<Map<Long, Long>> ticks = CompilerThreads.ticks(process.pid());
      if (ticks.isEmpty()) {
        compilers = null;
        break;
      }
      compilers.add(ticks.get());
    }
    return new Sample(cpuNanos, compilers, machineTicks());
  }

  /** The machine's CPU ticks so far, or null if {@code /proc/stat} cannot be read. */
  private static MachineTicks machineTicks() {
    try {
      return MachineTicks.parse(Files.readString(PROC_STAT));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * What the processes, and the machine, had used at one moment.
   *
   * @param compilerTicks each process's JIT compiler threads' CPU ticks by thread ({@link
   *     CompilerThreads}); null where not known
   */
  record Sample(long[] cpuNanos, List<Map<Long, Long>> compilerTicks, MachineTicks machineTicks) {}

  /**
   * Ticks of all the machine's cores ({@code /proc/stat}, in USER_HZ): busy (user, nice, system,
   * irq, softirq), idle while a task waited for the disk (iowait), stolen by the hypervisor for
   * other guests, and all (busy, idle, iowait, stolen).
   */
  record MachineTicks(long busy, long ioWait, long stolen, long all, int cpus) {
    /** From the text of {@code /proc/stat}: its {@code cpu} line, and its {@code cpuN} lines counted. */
    static MachineTicks parse(String procStat) {
      List<String> lines = procStat.lines().toList();
      String[] f = lines.getFirst().trim().split("\\s+");
      if (!f[0].equals("cpu") || f.length < 9) {
        throw new IllegalArgumentException("not /proc/stat: " + lines.getFirst());
      }
      long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
          + Long.parseLong(f[7]);
      long ioWait = Long.parseLong(f[5]);
      long stolen = Long.parseLong(f[8]);
      long all = busy + Long.parseLong(f[4]) + ioWait + stolen;
      int cpus = (int) lines.stream().filter(line -> line.matches("cpu[0-9]+ .*")).count();
      return new MachineTicks(busy, ioWait, stolen, all, Math.max(cpus, 1));
    }

    MachineTicks minus(MachineTicks earlier) {
      return new MachineTicks(busy - earlier.busy, ioWait - earlier.ioWait, stolen - earlier.stolen,
          all - earlier.all, cpus);
    }

    MachineTicks plus(MachineTicks other) {
      return other == null ? this : new MachineTicks(busy + other.busy, ioWait + other.ioWait, stolen + other.stolen,
          all + other.all, cpus);
    }

    /**
     * {@code (machine: 1.34 of 2 cores busy, 0.41 idle waiting for the disk)}: the cores idle while a
     * task waited for the disk (iowait) and those stolen by the host are named when they show at 2
     * decimals. Waiting cores beside idle ones say the disk held the run up, not the CPU.
     */
    String note() {
      StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "(machine: %.2f of %d cores busy",
          cores(busy), cpus));
      if (cores(ioWait) >= 0.005) {
        text.append(String.format(Locale.ROOT, ", %.2f idle waiting for the disk", cores(ioWait)));
      }
      if (cores(stolen) >= 0.005) {
        text.append(String.format(Locale.ROOT, ", %.2f stolen by the host", cores(stolen)));
      }
      return text.append(')').toString();
    }

    /** How many of the cores {@code ticks} of all the ticks amount to. */
    private double cores(long ticks) {
      return cpus * (double) ticks / all;
    }
  }

  /** Usage from {@code before} to {@code after}, added to {@code so far} (null: none yet). */
  Usage add(Usage soFar, Sample before, Sample after) {
    double[] seconds = new double[names.size()];
    for (int i = 0; i < seconds.length; i++) {
      seconds[i] = (after.cpuNanos()[i] - before.cpuNanos()[i]) / 1e9 + (soFar == null ? 0 : soFar.cpuSeconds()[i]);
    }
    double[] compilerSeconds = null;
    if (before.compilerTicks() != null && after.compilerTicks() != null
        && (soFar == null || soFar.compilerSeconds() != null)) {
      compilerSeconds = new double[names.size()];
      for (int i = 0; i < compilerSeconds.length; i++) {
        compilerSeconds[i] = CompilerThreads.secondsBetween(before.compilerTicks().get(i), after.compilerTicks().get(i))
            + (soFar == null ? 0 : soFar.compilerSeconds()[i]);
      }
    }
    MachineTicks ticks = null;
    if (before.machineTicks() != null && after.machineTicks() != null
        && (soFar == null || soFar.machineTicks() != null)) {
      ticks = after.machineTicks().minus(before.machineTicks()).plus(soFar == null ? null : soFar.machineTicks());
    }
    return new Usage(names, seconds, compilerSeconds, ticks, Runtime.getRuntime().availableProcessors());
  }

  /**
   * CPU seconds per process over some runs, and the machine's ticks meanwhile (null if unknown).
   *
   * @param compilerSeconds the part of each process's CPU seconds its JIT compilers used; null if unknown
   * @param cores the cores the processes can use, for the rate their CPU use allows
   */
  record Usage(List<String> names, double[] cpuSeconds, double[] compilerSeconds, MachineTicks machineTicks,
      int cores) {
    /** Whether the processes are the client, the master and the workers, not the client only. */
    boolean coversCluster() {
      return names.size() > 1;
    }

    double totalCpuSeconds() {
      return sum(cpuSeconds);
    }

    /** The part of {@link #totalCpuSeconds} that the JIT compilers used, from 0 to 1; empty if unknown. */
    OptionalDouble compilerShare() {
      double total = totalCpuSeconds();
      return compilerSeconds == null || total <= 0 ? OptionalDouble.empty()
          : OptionalDouble.of(Math.min(1, sum(compilerSeconds) / total));
    }

    private static double sum(double[] values) {
      double total = 0;
      for (double value : values) {
        total += value;
      }
      return total;
    }

    /**
     * The figure {@code name}: CPU seconds per GiB of {@code bytes} moved in all, beside the rate
     * that CPU use allows on {@link #cores} cores and the measured {@code rateMegabytesPerSecond}.
     */
    Figure perGib(String name, long bytes, double rateMegabytesPerSecond) {
      double gib = bytes / (double) (1L << 30);
      double ceiling = cores * (1L << 30) / (totalCpuSeconds() / gib) / 1e6;
      return figure(Figure.of(name, totalCpuSeconds() / gib, "s/GiB"), gib, 1, ceiling, "MB/s", rateMegabytesPerSecond);
    }

    /** As {@link #perGib}, in milliseconds of CPU per file of {@code files} files put or got in all. */
    Figure perFile(String name, long files, double rateFilesPerSecond) {
      double ceiling = cores * files / totalCpuSeconds();
      return figure(Figure.of(name, totalCpuSeconds() * 1000 / files, "ms/file"), files, 1000, ceiling, "files/s",
          rateFilesPerSecond);
    }

    /**
     * {@code perUnit} (CPU seconds times {@code scale} per unit of work, {@code units} in all) with
     * its {@code ceiling} and the {@code rate} reached, both in {@code rateUnit}, the machine's busy
     * cores and each process's share.
     */
    private Figure figure(Figure perUnit, double units, double scale, double ceiling, String rateUnit, double rate) {
      Figure figure = perUnit;
      if (coversCluster()) {
        figure = figure.note(String.format(Locale.ROOT, "CPU of the client, master and workers: at most %s %s on %d "
            + "cores (%.2f of it reached)", Figure.number(ceiling), rateUnit, cores, rate / ceiling));
      } else {
        figure = figure.note("CPU of the client only: the master's and the workers' are not counted");
      }
      if (machineTicks != null && machineTicks.all() > 0) {
        figure = figure.note(machineTicks.note());
      }
      String compilers = compilerSeconds == null ? ""
          : "; of it JIT compilers " + Figure.number(sum(compilerSeconds) * scale / units);
      return figure.note(IntStream.range(0, names.size())
          .mapToObj(i -> names.get(i) + " " + Figure.number(cpuSeconds[i] * scale / units))
          .collect(Collectors.joining(", ", "(" + perUnit.unit() + ": ", compilers + ")")));
    }
  }
}
