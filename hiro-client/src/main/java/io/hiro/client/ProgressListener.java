package io.hiro.client;

/**
 * Told how far a put or a get is, as its bytes move: {@code doneBytes} of {@code totalBytes}, never
 * decreasing (a piece sent again to another chain, or read again from another replica, does not count
 * twice). Called from the library's transfer threads, several at once, a get's on the client's one
 * network thread, which every read and master call of the client shares: an implementation must be
 * thread-safe and quick, must not block, and must not call the client. The library never prints;
 * the CLI draws a progress bar from this, redrawn at most a few times a second.
 */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (doneBytes, totalBytes) -> {};

  void progress(long doneBytes, long totalBytes);
}
