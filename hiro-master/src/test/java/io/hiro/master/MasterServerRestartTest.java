package io.hiro.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.hiro.common.rpc.Rpc;
import io.hiro.master.config.MasterConfig;
import io.hiro.proto.DeleteRequest;
import io.hiro.proto.FileStatus;
import io.hiro.proto.ListRequest;
import io.hiro.proto.MkdirRequest;
import io.hiro.proto.MoveRequest;
import io.hiro.proto.NamespaceServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real master on a real socket and data directory, stopped and started again: every change is still there. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MasterServerRestartTest {
  @TempDir
  Path temp;

  private MasterConfig config() {
    return MasterConfig.builder().bindHost("127.0.0.1").port(0).dataDir(temp.resolve("master")).build();
  }

  private void withClient(MasterServer server, Consumer<NamespaceServiceGrpc.NamespaceServiceBlockingStub> use) {
    ManagedChannel channel = MasterChannels.asCluster(server, temp.resolve("master"));
    try {
      use.accept(NamespaceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS));
    } finally {
      Rpc.shutdown(channel);
    }
  }

  private void makeChanges(MasterServer server) {
    withClient(server, stub -> {
      stub.mkdir(MkdirRequest.newBuilder().setPath("/photos/2024").setParents(true).build());
      stub.mkdir(MkdirRequest.newBuilder().setPath("/music").build());
      stub.mkdir(MkdirRequest.newBuilder().setPath("/tmp").build());
      stub.move(MoveRequest.newBuilder().setSource("/photos/2024").setDestination("/photos/y2024").build());
      stub.delete(DeleteRequest.newBuilder().setPath("/tmp").build());
    });
  }

  private List<String> names(MasterServer server, String path) {
    List<String> names = new java.util.ArrayList<>();
    withClient(server, stub -> stub.list(ListRequest.newBuilder().setPath(path).build()).getEntriesList().stream()
        .map(FileStatus::getPath).forEach(names::add));
    return names;
  }

  @Test
  void everyChangeSurvivesACleanRestart() {
    try (MasterServer first = MasterServer.start(config())) {
      makeChanges(first);
    }
    try (MasterServer second = MasterServer.start(config())) {
      assertThat(names(second, "/")).containsExactly("/music", "/photos");
      assertThat(names(second, "/photos")).containsExactly("/photos/y2024");
    }
    assertThat(temp.resolve("master").resolve("journal-00000000000000000001.log")).exists();
  }

  @Test
  void everyAcknowledgedChangeSurvivesAnUncleanStop() throws Exception {
    MasterServer first = MasterServer.start(config());
    makeChanges(first);
    first.stopWithoutClosingJournal();
    try (MasterServer second = MasterServer.start(config())) {
      assertThat(names(second, "/")).containsExactly("/music", "/photos");
      assertThat(names(second, "/photos")).containsExactly("/photos/y2024");
    }
    try (var files = Files.list(temp.resolve("master"))) {
      assertThat(files.map(p -> p.getFileName().toString())).contains("lock");
    }
  }
}
