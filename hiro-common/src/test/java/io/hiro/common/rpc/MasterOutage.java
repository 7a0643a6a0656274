package io.hiro.common.rpc;

import io.grpc.BindableService;
import io.grpc.Server;
import io.hiro.common.HostPort;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A master's server that a test takes down for {@link #DOWN_SECONDS} while a client or worker keeps
 * calling it, then starts again on the same port, as a master restarted: what {@link ReconnectAtOnce}
 * is for. Without a reset, a channel's attempts to connect fail at ~1, ~2.6 and ~5.2 s of the
 * outage, and the next is due between 7.4 and 11.1 s (each wait 1.6 times the one before, +-20%),
 * well after the restart.
 */
public final class MasterOutage implements AutoCloseable {
  public static final long DOWN_SECONDS = 7;
  private static final long CALL_EVERY_MILLIS = 100;

  private final BindableService service;
  private final int port;
  private Server server;

  /** Starts {@code service} on a free loopback port. */
  public MasterOutage(BindableService service) {
    this.service = service;
    this.server = Rpc.startServer("127.0.0.1", 0, List.of(service), RpcSecurity.PLAINTEXT);
    this.port = server.getPort();
  }

  public HostPort address() {
    return new HostPort("127.0.0.1", port);
  }

  /**
   * Stops the server, makes {@code call} every 0.1 s for {@link #DOWN_SECONDS}, then starts the
   * server again on its port; returns how many of the calls failed.
   */
  public int downWhile(Runnable call) throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    long downUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(DOWN_SECONDS);
    int failed = 0;
    while (System.nanoTime() < downUntil) {
      try {
        call.run();
      } catch (RuntimeException e) {
        failed++;
      }
      Thread.sleep(CALL_EVERY_MILLIS);
    }
    server = Rpc.startServer("127.0.0.1", port, List.of(service), RpcSecurity.PLAINTEXT);
    return failed;
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
