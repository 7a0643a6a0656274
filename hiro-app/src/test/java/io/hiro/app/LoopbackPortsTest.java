package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {
  @Test
  void portsAreBindableDistinctAndOutsideTheRangeOutgoingConnectionsTakeTheirsFrom() throws Exception {
    int ephemeralStart = LoopbackPorts.ephemeralStart();
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      int port = LoopbackPorts.free();
      assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
      assertThat(port).isLessThan(ephemeralStart);
      try (ServerSocket server = new ServerSocket()) {
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      }
    }
  }

  @Test
  void aPortThatAnOutgoingConnectionHoldsIsNotHandedOut() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Socket outgoing = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
      int taken = outgoing.getLocalPort();
      for (int i = 0; i < 200; i++) {
        assertThat(LoopbackPorts.free()).isNotEqualTo(taken).isNotEqualTo(server.getLocalPort());
      }
    }
  }
}
