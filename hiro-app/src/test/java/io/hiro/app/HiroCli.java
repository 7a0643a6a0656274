package io.hiro.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Runs {@code bin/hiro} as a user would, and keeps what it printed and how it exited. */
final class HiroCli {
  static final Path REPO = findRepo();
  static final Path BIN_HIRO = REPO.resolve("bin").resolve("hiro");
  /** Longest a single bin/hiro command may run (hiro bench --quick takes ~1 min on a quiet machine). */
  static final long COMMAND_TIMEOUT_SECONDS = 300;
  /**
   * Settings of the JVM, of bin/hiro's class archive and of the jar it runs (HIRO_JAR would run
   * another jar than the checkout's, and skip its rebuild), which a test sets itself when it needs one.
   */
  private static final Set<String> JVM_SETTINGS = Set.of("HIRO_CDS", "HIRO_JAVA_OPTS", "JAVA_TOOL_OPTIONS",
      "JDK_JAVA_OPTIONS", "HIRO_JAR");

  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  private HiroCli() {}

  static List<String> launcher() {
    return List.of(BIN_HIRO.toString());
  }

  static Result run(Path workDir, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(BIN_HIRO.toString());
    command.addAll(List.of(args));
    return runProgram(workDir, env, command);
  }

  /** Runs {@code command} (a program of the repo's, such as deploy/install.sh) as {@link #run} runs bin/hiro. */
  static Result runProgram(Path workDir, Map<String, String> env, List<String> command) {
    try {
      Path out = Files.createTempFile(workDir, "out", ".txt");
      Path err = Files.createTempFile(workDir, "err", ".txt");
      ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      // Only what the test gives: not the master, secret, TLS files or JVM options of whoever runs the tests.
      builder.environment().keySet().removeIf(name -> name.equals("HIRO_MASTER") || name.startsWith("HIRO_SECRET")
          || name.startsWith("HIRO_TLS_") || JVM_SETTINGS.contains(name));
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!waitFor(process)) {
        throw new AssertionError(String.join(" ", command) + " did not finish in "
            + COMMAND_TIMEOUT_SECONDS + " s");
      }
      Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
      Files.delete(out);
      Files.delete(err);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * Waits for {@code process}; if it is not done in {@link #COMMAND_TIMEOUT_SECONDS}, or the test is
   * stopped meanwhile (a JUnit timeout interrupts it), kills it and what it started (a bench's cluster).
   */
  private static boolean waitFor(Process process) throws InterruptedException {
    boolean done = false;
    try {
      done = process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return done;
    } finally {
      if (!done) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    }
  }

  private static Path findRepo() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("bin").resolve("hiro"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find bin/hiro above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}
