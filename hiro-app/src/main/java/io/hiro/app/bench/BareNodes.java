package io.hiro.app.bench;

import io.hiro.common.HostPort;
import io.hiro.proto.WorkerRef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The bare master and workers ({@link PutFloorNode}, each in a JVM of its own) on which {@link
 * GrpcChain}, {@link GrpcGet} and {@link PutFloor} make their untimed runs, in that order, started
 * once for all (since session 24; each started its own before, 3 JVM starts more) after the
 * machine's other limits; they stay up until the timed runs of the three have taken turns with
 * Hiro's large puts (session 41), cats and small puts (session 45). Their files stay in {@code
 * dir} until the bench deletes it at the end of its run ({@link PieceFiles#deleteIn}).
 */
final class BareNodes implements AutoCloseable {
  private final List<BenchNode> nodes;
  private final List<WorkerRef> workers = new ArrayList<>();

  private BareNodes(List<BenchNode> nodes) {
    this.nodes = nodes;
    for (int w = 1; w < nodes.size(); w++) {
      workers.add(WorkerRef.newBuilder().setWorkerId("w" + (w - 1)).setAddress("127.0.0.1:" + nodes.get(w).port())
          .build());
    }
  }

  /** A master and {@code workerCount} workers with their files in {@code dir}, started side by side. */
  static BareNodes start(Path dir, int workerCount) throws IOException {
    List<List<String>> args = new ArrayList<>(List.of(List.of("master", dir.resolve("master").toString())));
    for (int w = 0; w < workerCount; w++) {
      args.add(List.of("worker", dir.resolve("w" + w).toString()));
    }
    return new BareNodes(BenchNode.startAll(PutFloorNode.class, args));
  }

  HostPort master() {
    return new HostPort("127.0.0.1", nodes.get(0).port());
  }

  /** The workers, in order, as a chain's header names them. */
  List<WorkerRef> workers() {
    return workers;
  }

  /** The workers' processes, in the order of {@link #workers()}. */
  List<Process> workerProcesses() {
    return nodes.subList(1, nodes.size()).stream().map(BenchNode::process).toList();
  }

  /** The master's process. */
  Process masterProcess() {
    return nodes.get(0).process();
  }

  /**
   * One run of the large file through the bare workers; an exception if it failed. {@code timedRun}
   * is the timed run's number, from 0, or {@link #UNTIMED}.
   */
  @FunctionalInterface
  interface Run {
    void run(int timedRun) throws IOException;
  }

  /** The {@code timedRun} of an untimed {@link Run}. */
  static final int UNTIMED = -1;

  /**
   * Untimed runs of {@code run} (the nodes' JVMs compile as they go), at least {@code untimedLeast}
   * and, up to {@code untimedMost}, on until the JIT compilers of this JVM and the workers are nearly
   * done ({@link PutWarmUp}, as Hiro's large put and cats wait for theirs; {@link
   * PutWarmUp#untimedRuns}); then the timed runs, one at a time, whenever the caller asks for one
   * ({@link TimedRuns#next}): in turns with Hiro's own runs of the same work, if it likes.
   */
  TimedRuns warmedUp(String name, String mover, int workerCount, RandomFile input, int untimedLeast, int untimedMost,
      Run run) throws IOException {
    List<String> names = new ArrayList<>(List.of(mover));
    List<ProcessHandle> processes = new ArrayList<>(List.of(ProcessHandle.current()));
    for (int w = 0; w < workerCount; w++) {
      names.add("worker-" + (w + 1));
      processes.add(workerProcesses().get(w).toHandle());
    }
    Optional<CpuMeter> cpu = CpuMeter.of(names, processes);
    String warmUp = PutWarmUp.untimedRuns(untimedLeast, untimedMost, cpu, "runs", index -> run.run(UNTIMED));
    return new TimedRuns(name, mover, workerCount, input, run, cpu, warmUp);
  }

  /**
   * The timed runs of a figure ({@link #warmedUp}): each {@link #next} times one, adding the CPU
   * the mover and the workers used during it; {@link #figure} is their median.
   */
  static final class TimedRuns {
    private final String name;
    private final String mover;
    private final int workerCount;
    private final RandomFile input;
    private final Run run;
    private final Optional<CpuMeter> cpu;
    private final String warmUp;
    private final List<Double> rates = new ArrayList<>();
    private CpuMeter.Usage usage;

    private TimedRuns(String name, String mover, int workerCount, RandomFile input, Run run, Optional<CpuMeter> cpu,
        String warmUp) {
      this.name = name;
      this.mover = mover;
      this.workerCount = workerCount;
      this.input = input;
      this.run = run;
      this.cpu = cpu;
      this.warmUp = warmUp;
    }

    /** Times the next run (numbered from 0 as {@link Run#run} is given it); returns its MB/s. */
    double next() throws IOException {
      Optional<CpuMeter.Sample> before = cpu.map(CpuMeter::sample);
      long started = System.nanoTime();
      run.run(rates.size());
      double rate = MachineLimits.megabytesPerSecond(input.sizeBytes(), System.nanoTime() - started);
      if (cpu.isPresent()) {
        usage = cpu.get().add(usage, before.get(), cpu.get().sample());
      }
      rates.add(rate);
      return rate;
    }

    /** The rates of the timed runs so far, in the order run. */
    double[] rates() {
      return rates.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The median of the timed runs so far (one at least), with how the untimed ones went and the CPU. */
    Figure figure() {
      double[] runs = rates();
      Figure figure = Figure.medianOf(name, runs, "MB/s").withRuns(runs, "MB/s").note(warmUp);
      if (usage == null) {
        return figure;
      }
      double gib = runs.length * input.sizeBytes() / (double) (1L << 30);
      List<String> names = usage.names();
      String each = IntStream.range(0, names.size())
          .mapToObj(i -> names.get(i) + " " + Figure.number(usage.cpuSeconds()[i] / gib))
          .collect(Collectors.joining(", "));
      return figure.note(String.format(Locale.ROOT, "(CPU of the %s and the %d workers: %.1f s/GiB; %s)", mover,
          workerCount, usage.totalCpuSeconds() / gib, each));
    }
  }

  @Override
  public void close() {
    nodes.forEach(BenchNode::close);
  }
}
