package io.hiro.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium, as the status page tests use it: the DOM a page ends up with, and a
 * screenshot of it. Flags as this machine needs them: no sandbox (root), no GPU, no network of its own
 * (background networking, component updates and sync off), a fresh profile each time.
 */
final class Chromium {
  static final long RUN_TIMEOUT_SECONDS = 60;
  static final String INSTALL_HINT = "headless Chromium is needed for this test and is not installed: run "
      + "'apt-get install -y chromium' (Debian; .ci/run installs it)";

  private final Path binary;
  private final Path workDir;

  private Chromium(Path binary, Path workDir) {
    this.binary = binary;
    this.workDir = workDir;
  }

  /** The installed Chromium, or an AssertionError that says how to install it. */
  static Chromium find(Path workDir) {
    for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return new Chromium(Path.of(candidate), workDir);
      }
    }
    throw new AssertionError(INSTALL_HINT);
  }

  /** The page's DOM after it loaded, as Chromium serialises it. */
  String dumpDom(String url) {
    return new String(run(List.of("--dump-dom", url)), StandardCharsets.UTF_8);
  }

  /** A PNG of the page in a phone-sized window. */
  Path screenshot(String url, Path png, int width, int height) {
    run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
        "--hide-scrollbars", url));
    return png;
  }

  private byte[] run(List<String> arguments) {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--user-data-dir=" + profile()));
    command.addAll(arguments);
    try {
      Path log = Files.createTempFile(workDir, "chromium", ".log");
      Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("chromium did not finish in " + RUN_TIMEOUT_SECONDS + " s: " + command);
      }
      if (process.exitValue() != 0) {
        throw new AssertionError("chromium exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private Path profile() {
    try {
      return Files.createTempDirectory(workDir, "chromium-profile");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
