package io.hiro.app.bench;

import io.hiro.app.LocalCluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server of the bench's own in a JVM of its own ({@link GrpcUnary}, {@link PutFloorNode}), run
 * with this JVM's java and class path. Its {@code main} prints {@code port N} first, then serves
 * until its standard input closes; {@link #close} closes it and waits for the process to end.
 */
record BenchNode(Process process, int port) implements AutoCloseable {
  static BenchNode start(Class<?> main, String... args) throws IOException {
    return startAll(main, List.of(List.of(args))).get(0);
  }

  /**
   * One node for each of {@code argsOfEach}, all started at once (the JVMs start up side by side,
   * rather than one after another), in that order; if one fails to start, every one is stopped.
   */
  static List<BenchNode> startAll(Class<?> main, List<List<String>> argsOfEach) throws IOException {
    List<Process> processes = new ArrayList<>();
    List<BenchNode> nodes = new ArrayList<>();
    try {
      for (List<String> args : argsOfEach) {
        List<String> command = new ArrayList<>(LocalCluster.javaLauncher(main));
        command.addAll(args);
        processes.add(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start());
      }
      for (int n = 0; n < processes.size(); n++) {
        nodes.add(new BenchNode(processes.get(n), port(processes.get(n), main, argsOfEach.get(n))));
      }
      return nodes;
    } catch (IOException | RuntimeException e) {
      processes.forEach(Process::destroyForcibly);
      throw e;
    }
  }

  /** The port the node's first line gives. */
  private static int port(Process process, Class<?> main, List<String> args) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    String line = out.readLine();
    if (line == null || !line.startsWith("port ")) {
      throw new IOException("the bench's " + main.getSimpleName() + " " + String.join(" ", args)
          + " did not start (it said: " + line + ")");
    }
    return Integer.parseInt(line.substring("port ".length()).trim());
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
