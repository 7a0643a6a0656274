package io.hiro.common.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.netty.shaded.io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerTransportsTest {
  private final String before = System.getProperty(ServerTransports.THREADS_PROPERTY);

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(ServerTransports.THREADS_PROPERTY);
    } else {
      System.setProperty(ServerTransports.THREADS_PROPERTY, before);
    }
  }

  @Test
  void aDaemonHasHalfTheCoresAsNetworkThreadsAndAtLeastOne() {
    System.clearProperty(ServerTransports.THREADS_PROPERTY);
    int cores = Runtime.getRuntime().availableProcessors();

    assertThat(ServerTransports.networkThreads()).isEqualTo(Math.max(1, cores / 2));
    List<EventExecutor> threads = new ArrayList<>();
    ServerTransports.networkGroup().forEach(threads::add);
    // the group was made once in this JVM, with the setting it had then (none, unless the build set one)
    int expected = before == null || Integer.parseInt(before) <= 0 ? Math.max(1, cores / 2) : Integer.parseInt(before);
    assertThat(threads).hasSize(expected);
  }

  @Test
  void nettysOwnSettingWinsWhereItIsSet() {
    System.setProperty(ServerTransports.THREADS_PROPERTY, "3");
    assertThat(ServerTransports.networkThreads()).isEqualTo(3);

    System.setProperty(ServerTransports.THREADS_PROPERTY, "0");
    assertThat(ServerTransports.networkThreads()).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
  }
}
