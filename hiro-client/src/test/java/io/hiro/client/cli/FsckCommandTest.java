package io.hiro.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.hiro.client.ClusterReport;
import io.hiro.client.HiroClient;
import io.hiro.common.ErrorCode;
import io.hiro.common.cli.CliErrors;
import io.hiro.proto.FsckFile;
import io.hiro.proto.FsckRequest;
import io.hiro.proto.FsckResponse;
import io.hiro.proto.NamespaceServiceGrpc;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code hiro admin fsck} against a fake master answering Fsck with what each test sets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FsckCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private volatile FsckResponse answer = FsckResponse.getDefaultInstance();
  private Server server;

  @BeforeEach
  void startFakeMaster() throws IOException {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(
        new NamespaceServiceGrpc.NamespaceServiceImplBase() {
          @Override
          public void fsck(FsckRequest request, StreamObserver<FsckResponse> responses) {
            paths.add(request.getPath());
            if (request.getPath().equals("/nothing")) {
              responses.onError(Status.NOT_FOUND.withDescription("/nothing does not exist").asRuntimeException());
              return;
            }
            responses.onNext(answer);
            responses.onCompleted();
          }
        }).build().start();
    MasterOption.connector = (address, security) -> HiroClient.using(InProcessChannelBuilder.forName(name).directExecutor().build(),
        "master fake", worker -> InProcessChannelBuilder.forName(worker).build());
  }

  @AfterEach
  void stop() {
    MasterOption.connector = MasterOption.NETWORK;
    server.shutdownNow();
  }

  private int fsck(String... args) {
    CommandLine line = CliErrors.install(WholeCommands.admin());
    line.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 3];
    all[0] = "fsck";
    all[1] = "-m";
    all[2] = "h:1";
    System.arraycopy(args, 0, all, 3, args.length);
    return line.execute(all);
  }

  private static FsckFile file(String path, String state, long missing, long under, long corrupt) {
    return FsckFile.newBuilder().setPath(path).setSizeBytes(3 << 20).setReplication(3).setPieces(3)
        .setMissingPieces(missing).setUnderReplicatedPieces(under).setCorruptReplicas(corrupt).setState(state).build();
  }

  @Test
  void aHealthyClusterPrintsOnlyTheSummaryAndExitsZero() {
    answer = FsckResponse.newBuilder().setFilesChecked(12).build();

    int exitCode = fsck();

    assertThat(exitCode).isZero();
    assertThat(paths).containsExactly("/");
    assertThat(out.toString().trim()).isEqualTo("12 files checked: 0 unreadable, 0 under-replicated; "
        + "every file can be read in full");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void underReplicatedFilesAreListedButStillExitZero() {
    answer = FsckResponse.newBuilder().setFilesChecked(5).setFilesUnderReplicated(1)
        .addFiles(file("/docs/a.txt", "under-replicated", 0, 1, 1)).build();

    int exitCode = fsck("/docs");

    assertThat(exitCode).isZero();
    assertThat(paths).containsExactly("/docs");
    assertThat(out.toString()).startsWith("/docs/a.txt  under-replicated  3 pieces: 0 missing, 1 under-replicated, "
        + "1 corrupt replica; replication 3, 3.0 MiB").contains("5 files checked: 0 unreadable, 1 under-replicated");
  }

  @Test
  void aFileWithAMissingPieceExitsWithTheDataLossCodeAfterPrintingTheReport() {
    answer = FsckResponse.newBuilder().setFilesChecked(5).setFilesUnreadable(1).setSafeMode(true).setTruncated(true)
        .addFiles(file("/gone", "missing", 2, 0, 0)).build();

    int exitCode = fsck();

    assertThat(exitCode).isEqualTo(ErrorCode.DATA_LOSS.exitCode()).isEqualTo(8);
    assertThat(out.toString()).contains("/gone  missing  3 pieces: 2 missing").contains("only the first 1")
        .contains("safe mode").contains("some files cannot be read in full");
    assertThat(err.toString()).startsWith("hiro: 1 of 5 files under / cannot be read in full").hasLineCount(1);
  }

  @Test
  void jsonHasStableFieldNamesAndKeepsTheExitCode() {
    answer = FsckResponse.newBuilder().setFilesChecked(2).setFilesUnreadable(1)
        .addFiles(file("/a\"b", "missing", 1, 0, 0)).build();

    int exitCode = fsck("--json");

    assertThat(exitCode).isEqualTo(8);
    assertThat(out.toString().trim()).isEqualTo("{\"files\":[{\"path\":\"/a\\\"b\",\"sizeBytes\":3145728,"
        + "\"replication\":3,\"pieces\":3,\"missingPieces\":1,\"underReplicatedPieces\":0,\"corruptReplicas\":0,"
        + "\"state\":\"missing\"}],\"filesChecked\":2,\"filesUnreadable\":1,\"filesUnderReplicated\":0,"
        + "\"safeMode\":false,\"truncated\":false}");
  }

  @Test
  void aPathThatDoesNotExistIsNotFoundAndABadOneIsInvalid() {
    assertThat(fsck("/nothing")).isEqualTo(ErrorCode.NOT_FOUND.exitCode());
    assertThat(fsck("relative")).isEqualTo(ErrorCode.INVALID_ARGUMENT.exitCode());
    assertThat(err.toString()).contains("/nothing does not exist");
  }

  @Test
  void theReportShowsSafeModeAndPendingCopiesOnlyWhenRelevant() {
    ClusterReport quiet = new ClusterReport(List.of(), 1, 0, 1, 0, 0, 10);
    ClusterReport busy = new ClusterReport(List.of(), 1, 0, 1, 1, 0, 10, true, 12_300, 4, 2);

    assertThat(ReportCommand.toTable(quiet)).doesNotContain("safe mode").doesNotContain("re-replication");
    assertThat(ReportCommand.toTable(busy)).contains("safe mode (13s left)")
        .contains("re-replication: 4 copies pending, 2 surplus replicas to remove");
  }
}
