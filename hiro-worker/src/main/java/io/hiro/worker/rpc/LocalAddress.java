package io.hiro.worker.rpc;

import io.hiro.common.HostPort;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** The local address the OS uses to reach the master: what other nodes most likely reach us by. */
public final class LocalAddress {
  private LocalAddress() {}

  public static String towards(HostPort master) {
    try {
      InetAddress masterAddress = InetAddress.getByName(master.host());
      if (masterAddress.isLoopbackAddress()) {
        return "127.0.0.1";
      }
      // Connecting a UDP socket sends nothing; it only asks the OS which route it would take.
      try (DatagramSocket socket = new DatagramSocket()) {
        socket.connect(new InetSocketAddress(masterAddress, master.port()));
        InetAddress local = socket.getLocalAddress();
        if (local != null && !local.isAnyLocalAddress()) {
          return local.getHostAddress();
        }
      }
      return InetAddress.getLocalHost().getHostAddress();
    } catch (IOException e) {
      return "127.0.0.1";
    }
  }
}
