package io.hiro.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on loopback for daemons started later: a local cluster's master and workers must
 * know each other's ports before any of them runs.
 *
 * <p>Ports are picked below the kernel's ephemeral range. A port that {@code bind(0)} hands out
 * comes from that range, and so does the local port of every outgoing connection: between the
 * pick and the daemon's bind, a worker's connection to the master could take it, and the daemon
 * would then fail to start. One JVM never hands out a port twice.
 */
public final class LoopbackPorts {
  private static final int LOWEST = 10_000;
  private static final int DEFAULT_EPHEMERAL_START = 32_768;
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int ATTEMPTS = 500;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private LoopbackPorts() {}

  /** A port that no socket on loopback is bound to now, below the ephemeral range where there is room. */
  public static int free() {
    int ephemeralStart = ephemeralStart();
    if (ephemeralStart - LOWEST < 1_000) {
      return kernelPick();
    }
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralStart);
      if (HANDED_OUT.add(port)) {
        if (bindable(port)) {
          return port;
        }
      }
    }
    throw new IllegalStateException("no free port on loopback between " + LOWEST + " and " + ephemeralStart
        + " after " + ATTEMPTS + " tries");
  }

  private static int kernelPick() {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (HANDED_OUT.add(socket.getLocalPort())) {
          return socket.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("no free port on loopback", e);
      }
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of the kernel's ephemeral range ({@code ip_local_port_range}), or Linux's default. */
  static int ephemeralStart() {
    try {
      // readString trusts the size a /proc file reports, which is wrong; lines are read to their end.
      String[] range = Files.readAllLines(EPHEMERAL_RANGE).getFirst().trim().split("\\s+");
      return Integer.parseInt(range[0]);
    } catch (IOException | RuntimeException e) {
      return DEFAULT_EPHEMERAL_START;
    }
  }
}
