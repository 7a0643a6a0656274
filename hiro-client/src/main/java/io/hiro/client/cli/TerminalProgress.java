package io.hiro.client.cli;

import io.hiro.client.ProgressListener;
import io.hiro.common.Sizes;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on stderr, redrawn in place at most every {@link #REDRAW_NANOS}:
 * {@code a.jpg  [######------]  48%  120.0 MiB / 250.0 MiB  35.2 MiB/s  4 s left}. Drawn only for a
 * person at a terminal ({@link OutputOptions#showProgress()}). Our own few lines rather than a library:
 * the one the issue suggests (me.tongfei:progressbar) brings a terminal library (JLine) with it, and a
 * client command's start-up time matters more here than a fancier bar.
 */
final class TerminalProgress implements ProgressListener, AutoCloseable {
  static final long REDRAW_NANOS = 100_000_000L;
  static final int BAR_WIDTH = 24;

  private final PrintWriter err;
  private final String name;
  private final long startNanos = System.nanoTime();
  private long drawnNanos;
  private long done;
  private long total;
  private boolean drawn;

  TerminalProgress(PrintWriter err, String name) {
    this.err = err;
    this.name = name;
  }

  @Override
  public synchronized void progress(long doneBytes, long totalBytes) {
    done = Math.max(done, doneBytes);
    total = totalBytes;
    long now = System.nanoTime();
    if (drawn && now - drawnNanos < REDRAW_NANOS && doneBytes < totalBytes) {
      return;
    }
    draw(now);
  }

  /** Ends the line, so what follows starts on a new one. */
  @Override
  public synchronized void close() {
    if (drawn) {
      draw(System.nanoTime());
      err.println();
      err.flush();
    }
  }

  private void draw(long nowNanos) {
    drawnNanos = nowNanos;
    drawn = true;
    err.print("\r" + line(name, done, total, nowNanos - startNanos) + "\u001b[K");
    err.flush();
  }

  /** The bar's text; a pure function for tests. */
  static String line(String name, long doneBytes, long totalBytes, long elapsedNanos) {
    int percent = totalBytes <= 0 ? 100 : (int) Math.min(100, doneBytes * 100 / totalBytes);
    int filled = percent * BAR_WIDTH / 100;
    double seconds = Math.max(elapsedNanos, 1) / 1e9;
    double rate = doneBytes / seconds;
    String left = doneBytes >= totalBytes ? "done" : rate < 1 ? "?" : eta((long) ((totalBytes - doneBytes) / rate));
    return String.format(Locale.ROOT, "%s  [%s%s] %3d%%  %s / %s  %s/s  %s", name, "#".repeat(filled),
        "-".repeat(BAR_WIDTH - filled), percent, Sizes.format(doneBytes), Sizes.format(totalBytes),
        Sizes.format((long) rate), left);
  }

  private static String eta(long seconds) {
    if (seconds < 60) {
      return seconds + " s left";
    }
    if (seconds < 3600) {
      return seconds / 60 + " min " + seconds % 60 + " s left";
    }
    return seconds / 3600 + " h " + seconds % 3600 / 60 + " min left";
  }
}
