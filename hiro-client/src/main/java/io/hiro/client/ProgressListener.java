package io.hiro.client;

/**
 * Told how far a put or a get is, as its bytes move: {@code doneBytes} of {@code totalBytes}, never
 * decreasing (a piece sent again to another chain, or read again from another replica, does not count
 * twice). Called from the library's transfer threads, several at once: an implementation must be
 * thread-safe and quick. The library never prints; the CLI draws a progress bar from this.
 */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (doneBytes, totalBytes) -> {};

  void progress(long doneBytes, long totalBytes);
}
