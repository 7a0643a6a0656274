package io.hiro.app;

import io.hiro.client.FileInfo;
import io.hiro.client.HiroClient;
import io.hiro.client.PieceInfo;
import io.hiro.client.PutOptions;
import io.hiro.client.PutResult;
import io.hiro.client.ReplicaLocation;
import io.hiro.common.HiroException;
import io.hiro.common.Sizes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hiro demo}: the newcomer's first command. Starts a master and three workers as real
 * processes on free loopback ports, puts a sample file with replication 3, shows where each piece
 * went, gets it back and verifies it, then stops what it started (unless {@code --keep}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start a master and three workers on loopback, put a sample file, read it back, stop.")
public final class DemoCommand implements Callable<Integer> {
  private static final long SAMPLE_SIZE_BYTES = 20L * 1024 * 1024 + 12_345;
  private static final long SAMPLE_PIECE_SIZE_BYTES = 4L * 1024 * 1024;
  private static final String SAMPLE_PATH = "/demo/sample.bin";

  @CommandLine.Mixin io.hiro.common.cli.LogLevelOption logLevel;

  @Option(names = "--keep", description = "Leave the cluster running and print the commands to use it.")
  boolean keep;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Where the cluster keeps its data and logs (default: a new temp dir).")
  Path dir;

  @Option(names = "--workers", defaultValue = "3", description = "How many workers to start (default: ${DEFAULT-VALUE}).")
  int workerCount;

  @Option(names = "--tls", description = "Run every connection over mutual TLS, with a CA and certificates made in "
      + "DIR/certs as 'hiro cert init' and 'hiro cert issue' do.")
  boolean tls;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (workerCount < 1 || workerCount > 16) {
      throw HiroException.invalid("--workers %d: give 1 to 16", workerCount);
    }
    PrintWriter out = spec.commandLine().getOut();
    Path base = dir != null ? dir.toAbsolutePath() : Files.createTempDirectory("hiro-demo-");
    out.printf("Starting a master and %d workers on loopback; data and logs in %s%n", workerCount, base);
    out.flush();
    LocalCluster.Options options = new LocalCluster.Options(LocalCluster.javaLauncher(), workerCount, "1s");
    LocalCluster cluster = LocalCluster.start(tls ? options.withTls() : options, base);
    Thread stopOnInterrupt = new Thread(cluster::close, "demo-stop");
    if (!keep) {
      Runtime.getRuntime().addShutdownHook(stopOnInterrupt);
    }
    try {
      printCluster(out, cluster);
      runSample(out, cluster, base);
    } finally {
      if (!keep) {
        out.println("Stopping the cluster.");
        out.flush();
        cluster.close();
        Runtime.getRuntime().removeShutdownHook(stopOnInterrupt);
      }
    }
    if (keep) {
      printKeepInstructions(out, cluster);
    }
    out.flush();
    return 0;
  }

  private void runSample(PrintWriter out, LocalCluster cluster, Path base) throws IOException {
    Path sample = base.resolve("sample.bin");
    SampleFiles.writeRandom(sample, SAMPLE_SIZE_BYTES, 42);
    String expectedSha = sha256(sample);
    int replication = Math.min(3, workerCount);
    try (HiroClient client = cluster.client()) {
      out.printf("Putting a %s sample file as %s with replication %d and %s pieces ...%n",
          Sizes.format(Files.size(sample)), SAMPLE_PATH, replication, Sizes.format(SAMPLE_PIECE_SIZE_BYTES));
      out.flush();
      long started = System.nanoTime();
      PutResult put = client.put(sample, SAMPLE_PATH,
          new PutOptions(replication, SAMPLE_PIECE_SIZE_BYTES, true));
      out.printf("  stored %d pieces in %s%n", put.pieces().size(), elapsed(started, put.sizeBytes()));
      FileInfo info = client.stat(SAMPLE_PATH);
      out.println("Where each piece went:");
      for (PieceInfo piece : info.pieces()) {
        out.printf("  piece %d  %-9s %s  on %s%n", piece.index(), Sizes.format(piece.lengthBytes()), piece.id(),
            piece.replicas().stream().map(ReplicaLocation::workerId).map(Object::toString)
                .collect(Collectors.joining(", ")));
      }
      Path back = base.resolve("sample.back");
      out.println("Getting it back ...");
      out.flush();
      started = System.nanoTime();
      client.get(SAMPLE_PATH, back);
      String actualSha = sha256(back);
      if (!actualSha.equals(expectedSha)) {
        throw HiroException.dataLoss("the file read back differs from the one put (SHA-256 %s, expected %s)",
            actualSha, expectedSha);
      }
      out.printf("  read %s in %s; SHA-256 %s matches the original.%n", Sizes.format(Files.size(back)),
          elapsed(started, Files.size(back)), actualSha.substring(0, 16));
      out.println("Demo OK: the file was split into pieces, each stored on " + replication
          + " workers, and read back byte-identical.");
    }
  }

  private static void printCluster(PrintWriter out, LocalCluster cluster) {
    out.printf("  master    %-16s pid %d  status page http://%s/  (cluster secret %s%s)%n", cluster.masterAddress(),
        cluster.masterPid(), cluster.masterHttpAddress(), cluster.secretFile(),
        cluster.clientSecurity().tls() != null ? "; mutual TLS" : "");
    for (int i = 0; i < cluster.workerCount(); i++) {
      out.printf("  worker %-2d %-16s pid %d%n", i + 1, cluster.workerAddress(i), cluster.workerPid(i));
    }
    out.flush();
  }

  private static void printKeepInstructions(PrintWriter out, LocalCluster cluster) {
    out.println();
    out.println("The cluster keeps running. Try:");
    cluster.clientEnvironment().forEach((name, value) -> out.println("  export " + name + "=" + value));
    out.println("  bin/hiro client ls -l /demo");
    out.println("  bin/hiro client stat " + SAMPLE_PATH);
    out.println("  bin/hiro admin report");
    out.println("  open http://" + cluster.masterHttpAddress() + "/   (the status page)");
    StringBuilder pids = new StringBuilder().append(cluster.masterPid());
    for (int i = 0; i < cluster.workerCount(); i++) {
      pids.append(' ').append(cluster.workerPid(i));
    }
    out.println("Stop it with:");
    out.println("  kill " + pids);
  }

  static String sha256(Path file) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 20];
      try (var in = Files.newInputStream(file)) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          digest.update(buffer, 0, n);
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String elapsed(long startedNanos, long bytes) {
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    return String.format(Locale.ROOT, "%.2f s (%.0f MB/s)", seconds, bytes / 1e6 / Math.max(seconds, 1e-9));
  }
}
