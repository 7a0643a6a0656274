package io.hiro.app.bench;

import io.hiro.app.LocalCluster;
import io.hiro.client.ClientSecurity;
import io.hiro.common.HostPort;
import io.hiro.common.cli.SecretFileOption;
import io.hiro.common.cli.TlsOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hiro bench}: measures Hiro against this machine's disk and loopback network and prints
 * one figure per line, {@code name: value unit}, each with its limit, ratio and target.
 * Without {@code -m} it starts a master and three workers on loopback (data in {@code --dir} or a
 * temp dir, so the disk limits are measured on the workers' disk) and stops them afterwards.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Measure Hiro against this machine's disk and network: put/get of a large file and of "
        + "many 4 KiB files, mkdir and stat, with 1 and 8 clients, each beside its limit.",
        "Without -m, starts a master and three workers on loopback and stops them afterwards; then, when run "
            + "as root, it also reads the large file once with the page cache emptied (it runs sync and drops the "
            + "machine's clean cached pages: other programs' next reads are slower, nothing else changes)."})
public final class BenchCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin io.hiro.common.cli.LogLevelOption logLevel;

  @Option(names = {"-m", "--master"}, paramLabel = "HOST:PORT",
      description = "Measure the running cluster of this master (default: start one on loopback).")
  String master;

  /** With -m: how to reach that cluster, as every client command does. */
  @Mixin SecretFileOption secretFile = new SecretFileOption();

  @Mixin TlsOptions tls = new TlsOptions();

  @Option(names = "--quick", description = "Smaller sizes (64 MiB file, 50 small files, 250 mkdir, 500 stat): "
      + "under a minute.")
  boolean quick;

  @Option(names = "--dir", paramLabel = "DIR", description = "Where the local cluster keeps its data and the bench "
      + "its files; the disk limits are measured here (default: a new temp dir, deleted afterwards).")
  Path dir;

  @Option(names = "--memory", description = "Measure memory instead of speed: the master's heap per file (1,000,000 "
      + "files in this JVM) and the workers' heap while a 10 GiB file streams through them (100,000 files and 1 GiB "
      + "with --quick). Needs twice the file's size free in --dir.")
  boolean memory;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    BenchSizes sizes = quick ? BenchSizes.quick() : BenchSizes.full();
    boolean temporary = dir == null;
    Path base = temporary ? Files.createTempDirectory("hiro-bench-") : Files.createDirectories(dir.toAbsolutePath());
    try {
      if (memory) {
        runMemory(base, out);
      } else if (master != null) {
        out.printf("# hiro bench%s against master %s; local limits measured in %s%n", quick ? " --quick" : "",
            master, base);
        out.println(KernelCosts.describeMachine());
        out.flush();
        ClientSecurity security = new ClientSecurity(secretFile.lookup(System::getenv).callSigner(),
            tls.files(System::getenv));
        run(HostPort.parse(master), security, new CliLatency.Access(accessOptions(), Map.of()), base, sizes, false,
            CpuMeter.clientOnly(), out);
      } else {
        runOnLocalCluster(base, sizes, out);
      }
    } finally {
      if (temporary) {
        deleteTree(base);
      }
    }
    return 0;
  }

  private void runMemory(Path base, PrintWriter out) throws IOException {
    if (master != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--memory starts its own master and workers; drop -m");
    }
    out.printf("# hiro bench --memory%s in %s%n", quick ? " --quick" : "", base);
    out.flush();
    Consumer<Figure> print = figure -> {
      out.println(figure.line());
      out.flush();
    };
    MemoryBench.masterFigures(quick ? 100_000 : 1_000_000, base, print);
    long streamBytes = (quick ? 1L : 10L) << 30;
    MemoryBench.workerHeapWhileStreaming(base, streamBytes, System.nanoTime() + TimeUnit.MINUTES.toNanos(30), print);
  }

  private void runOnLocalCluster(Path base, BenchSizes sizes, PrintWriter out) throws IOException {
    out.printf("# hiro bench%s: starting a master and 3 workers on loopback in %s%n", quick ? " --quick" : "", base);
    out.println(KernelCosts.describeMachine());
    out.flush();
    try (LocalCluster cluster = LocalCluster.start(LocalCluster.javaLauncher(), base, HiroBench.REPLICATION, "1s")) {
      Thread stopOnInterrupt = new Thread(cluster::close, "bench-stop");
      Runtime.getRuntime().addShutdownHook(stopOnInterrupt);
      try {
        List<Long> workerPids = IntStream.range(0, cluster.workerCount()).mapToObj(cluster::workerPid).toList();
        run(cluster.masterAddress(), cluster.clientSecurity(), new CliLatency.Access(List.of(),
            cluster.clientEnvironment()), base, sizes, true, CpuMeter.withCluster(cluster.masterPid(), workerPids), out);
      } finally {
        Runtime.getRuntime().removeShutdownHook(stopOnInterrupt);
      }
    }
  }

  /** The options given to reach the cluster (-m), for the client processes the bench starts. */
  private List<String> accessOptions() {
    List<String> options = new ArrayList<>();
    for (String name : List.of("--secret-file", "--tls-cert", "--tls-key", "--tls-ca")) {
      Object value = spec.commandLine().getParseResult().matchedOptionValue(name, null);
      if (value != null) {
        options.add(name);
        options.add(value.toString());
      }
    }
    return options;
  }

  private static void run(HostPort master, ClientSecurity security, CliLatency.Access cliAccess, Path base,
      BenchSizes sizes, boolean workersHere, CpuMeter cpu, PrintWriter out) throws IOException {
    new HiroBench(master, security, cliAccess, base, sizes, workersHere, cpu).run(figure -> {
      out.println(figure.line());
      out.flush();
    });
  }

  /** Deletes {@code root} and everything under it, if it exists. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
        Files.delete(directory);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
