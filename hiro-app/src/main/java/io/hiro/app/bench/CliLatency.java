package io.hiro.app.bench;

import io.hiro.common.HostPort;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Hiro as a person typing {@code bin/hiro} commands meets it, a new JVM each time, start-up
 * included. {@code cli.stat}: wall time of {@code client stat /} against the cluster; the first run
 * may start making the class archive and is not counted; the median of the next
 * {@link BenchSizes#cliRuns()} (5; 3 with {@code --quick}) is. {@code get.<size>.cat.cli}: the rate
 * of one {@code client cat} of the large file to /dev/null.
 */
final class CliLatency {
  static final double TARGET_SECONDS = 0.5;
  private static final long STAT_TIMEOUT_SECONDS = 60;
  /** A cat's timeout: a minute, and a second more for each 10 MB. */
  private static final double CAT_TIMEOUT_MEGABYTES_PER_SECOND = 10;

  /** How a {@code hiro client} process reaches the cluster: options and environment beside -m. */
  record Access(List<String> options, Map<String, String> environment) {
    Access {
      options = List.copyOf(options);
      environment = Map.copyOf(environment);
    }
  }

  private final Path launcher;
  private final HostPort master;
  private final Access access;

  private CliLatency(Path launcher, HostPort master, Access access) {
    this.launcher = launcher;
    this.master = master;
    this.access = access;
  }

  /** Commands against {@code master} through {@link #launcher()}, if there is one. */
  static Optional<CliLatency> against(HostPort master, Access access) {
    return launcher().map(launcher -> new CliLatency(launcher, master, access));
  }

  /** The {@code bin/hiro} of the checkout this jar was built in, else the one in the working dir, if any. */
  private static Optional<Path> launcher() {
    List<Path> candidates = new ArrayList<>();
    try {
      Path jar = Path.of(CliLatency.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // hiro-app/target/hiro.jar (or hiro-app/target/classes) -> the checkout's bin/hiro
      Path checkout = jar.getParent().getParent().getParent();
      if (checkout != null) {
        candidates.add(checkout.resolve("bin").resolve("hiro"));
      }
    } catch (URISyntaxException | RuntimeException e) {
      // not run from a file: only the working dir is left
    }
    candidates.add(Path.of("bin", "hiro").toAbsolutePath());
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  /**
   * {@code cli.stat}, the median of {@code runs} after one untimed, with the CPU that {@code cpu}'s
   * processes (the cluster's, when the bench started it) used meanwhile: work left over from the
   * figures before shares the cores with the commands timed.
   */
  Figure stat(int runs, CpuMeter cpu) throws IOException {
    List<Double> seconds = new ArrayList<>();
    runOnce(STAT_TIMEOUT_SECONDS, "stat", "/");
    CpuMeter.Sample before = cpu.sample();
    long started = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      seconds.add(runOnce(STAT_TIMEOUT_SECONDS, "stat", "/"));
    }
    double cores = cpu.add(null, before, cpu.sample()).totalCpuSeconds() / ((System.nanoTime() - started) / 1e9);
    seconds.sort(null);
    double median = seconds.get(seconds.size() / 2);
    // Against a cluster the bench did not start, only its own idle JVM would be counted: nothing to say.
    String meanwhile = cpu.coversCluster() ? String.format(Locale.ROOT,
        "   (meanwhile the bench's client, master and workers used %.2f cores)", cores) : "";
    return Figure.of("cli.stat", median, "s").note(String.format(Locale.ROOT,
        "(median of %d runs of '%s client stat /', max %.2f s)%s   target <= %.1f s", runs, launcher,
        seconds.getLast(), meanwhile, TARGET_SECONDS));
  }

  /**
   * The figure {@code name}: one run of {@code bin/hiro client cat REMOTE > /dev/null} of a file of
   * {@code sizeBytes}, in MB/s, JVM start included: what the in-process figures leave out, such as
   * the writes to stdout. Compared with {@code inProcess}, the same file's cat in the bench's JVM.
   */
  Figure cat(String name, Figure inProcess, String remotePath, long sizeBytes) throws IOException {
    long timeoutSeconds = STAT_TIMEOUT_SECONDS + (long) (sizeBytes / 1e6 / CAT_TIMEOUT_MEGABYTES_PER_SECOND);
    double seconds = runOnce(timeoutSeconds, "cat", remotePath);
    return Figure.of(name, sizeBytes / 1e6 / seconds, "MB/s").besides(inProcess).note(String.format(Locale.ROOT,
        "(one run of '%s client cat %s > /dev/null', %.2f s)", launcher, remotePath, seconds));
  }

  /**
   * Wall seconds of {@code launcher client COMMAND ARGUMENTS... -m MASTER}, its output discarded (to
   * /dev/null); a failure says the last line the command wrote on stderr.
   */
  private double runOnce(long timeoutSeconds, String... commandAndArguments) throws IOException {
    List<String> command = new ArrayList<>(List.of(launcher.toString(), "client"));
    command.addAll(List.of(commandAndArguments));
    command.addAll(List.of("-m", master.toString()));
    String what = String.join(" ", command.subList(1, command.size() - 2));
    command.addAll(access.options());
    Path errors = Files.createTempFile("hiro-bench-cli-", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(errors.toFile());
      builder.environment().putAll(access.environment());
      long started = System.nanoTime();
      Process process = builder.start();
      try {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IOException(launcher + " " + what + " did not finish in " + timeoutSeconds + " s");
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while timing the CLI", e);
      }
      if (process.exitValue() != 0) {
        String said = new String(Files.readAllBytes(errors), StandardCharsets.UTF_8).lines()
            .filter(line -> !line.isBlank()).reduce((first, last) -> last).orElse("nothing on stderr");
        throw new IOException(launcher + " " + what + " exited with " + process.exitValue() + ": " + said);
      }
      return (System.nanoTime() - started) / 1e9;
    } finally {
      Files.deleteIfExists(errors);
    }
  }
}
