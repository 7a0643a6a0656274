package io.hiro.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.hiro.common.HostPort;
import io.hiro.common.rpc.Rpc;
import io.hiro.master.config.MasterConfig;
import io.hiro.proto.ClusterReportRequest;
import io.hiro.proto.NamespaceServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class MasterServerTest {
  @Test
  void aStartedMasterCreatesItsDataDirAndAnswersOverTheNetwork(@TempDir Path temp) {
    Path data = temp.resolve("master");
    MasterConfig config = MasterConfig.builder().bindHost("127.0.0.1").port(0).dataDir(data)
        .expectedWorkers(List.of(HostPort.parse("127.0.0.1:5050"))).build();
    try (MasterServer server = MasterServer.start(config)) {
      ManagedChannel channel = MasterChannels.asCluster(server, data);
      try {
        var report = NamespaceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
            .clusterReport(ClusterReportRequest.getDefaultInstance());
        assertThat(report.getWorkersList()).singleElement().satisfies(w -> assertThat(w.getState()).isEqualTo("missing"));
      } finally {
        Rpc.shutdown(channel);
      }
      assertThat(Files.isDirectory(data)).isTrue();
      assertThat(server.port()).isPositive();
    }
  }
}
