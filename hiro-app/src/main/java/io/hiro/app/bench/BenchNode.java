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
    List<String> command = new ArrayList<>(LocalCluster.javaLauncher(main));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
      String line = out.readLine();
      if (line == null || !line.startsWith("port ")) {
        throw new IOException("the bench's " + main.getSimpleName() + " " + String.join(" ", args)
            + " did not start (it said: " + line + ")");
      }
      return new BenchNode(process, Integer.parseInt(line.substring("port ".length()).trim()));
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
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
