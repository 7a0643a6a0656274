package io.hiro.common.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.netty.shaded.io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerTransportsTest {
  @Test
  void aDaemonHasHalfTheCoresAsNetworkThreadsAndAtLeastOne() {
    assertThat(ServerTransports.networkThreads(null, 1)).isEqualTo(1);
    assertThat(ServerTransports.networkThreads(null, 2)).isEqualTo(1);
    assertThat(ServerTransports.networkThreads(null, 3)).isEqualTo(1);
    assertThat(ServerTransports.networkThreads(null, 8)).isEqualTo(4);
  }

  @Test
  void nettysOwnPropertyGivesTheCountAsNettyCountsIt() {
    assertThat(ServerTransports.networkThreads(3, 2)).isEqualTo(3);
    assertThat(ServerTransports.networkThreads(0, 8)).isEqualTo(1);
    assertThat(ServerTransports.networkThreads(-2, 8)).isEqualTo(1);
  }

  @Test
  void theGroupHasThatManyThreads() {
    List<EventExecutor> made = new ArrayList<>();
    ServerTransports.networkGroup().forEach(made::add);

    // made once per JVM, with the setting of that moment: the build sets none
    assertThat(System.getProperty(ServerTransports.THREADS_PROPERTY)).isNull();
    assertThat(made).hasSize(ServerTransports.networkThreads(null, Runtime.getRuntime().availableProcessors()));
  }
}
