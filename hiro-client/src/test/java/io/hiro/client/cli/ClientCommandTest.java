package io.hiro.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.client.ClusterReport;
import io.hiro.client.WorkerInfo;
import io.hiro.client.fake.FakeCluster;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.HostPort;
import io.hiro.common.cli.CliErrors;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void restore() {
    System.clearProperty("HIRO_MASTER");
    MasterOption.connector = MasterOption.NETWORK;
  }

  private static <T> T parse(Class<T> type, String... args) {
    CommandLine.ParseResult parsed = WholeCommands.client().parseArgs(args);
    return type.cast(parsed.subcommand().commandSpec().userObject());
  }

  private int run(CommandLine command, String... args) {
    CommandLine line = CliErrors.install(command);
    line.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    return line.execute(args);
  }

  @Test
  void putDefaultsRemoteToTheFileNameAtTheRoot() {
    PutCommand put = parse(PutCommand.class, "put", "/tmp/photos/cat.jpg", "-m", "h:1");

    assertThat(put.remotePath()).isEqualTo("/cat.jpg");
    assertThat(put.options().replication()).isZero();
    assertThat(put.options().pieceSizeBytes()).isZero();
    assertThat(put.options().overwrite()).isFalse();
  }

  @Test
  void putIntoARemoteEndingInSlashKeepsTheFileName() {
    assertThat(parse(PutCommand.class, "put", "cat.jpg", "/pets/", "-m", "h:1").remotePath()).isEqualTo("/pets/cat.jpg");
    assertThat(parse(PutCommand.class, "put", "cat.jpg", "/pets/tom.jpg", "-m", "h:1").remotePath())
        .isEqualTo("/pets/tom.jpg");
  }

  @Test
  void putParsesReplicationPieceSizeAndOverwrite() {
    PutCommand put = parse(PutCommand.class, "put", "a", "--replication", "2", "--piece-size", "4MiB", "--overwrite",
        "--master", "h:1");

    assertThat(put.options()).isEqualTo(new io.hiro.client.PutOptions(2, 4L << 20, true));
    assertThat(put.master.address()).isEqualTo(new HostPort("h", 1));
  }

  @Test
  void aBadPieceSizeIsInvalidInput() {
    PutCommand put = parse(PutCommand.class, "put", "a", "--piece-size", "lots", "-m", "h:1");

    assertThatThrownBy(put::options)
        .isInstanceOfSatisfying(HiroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void theMasterDefaultsToHiroMaster() {
    System.setProperty("HIRO_MASTER", "10.0.0.7:8080");

    GetCommand get = parse(GetCommand.class, "get", "/photos/cat.jpg");

    assertThat(get.master.address()).isEqualTo(new HostPort("10.0.0.7", 8080));
    assertThat(get.localPath()).isEqualTo(Path.of("cat.jpg"));
  }

  @Test
  void aMissingMasterIsAUsageErrorSayingHowToGiveOne() {
    // Plain picocli handling: CliErrors.install's exit-code mapper currently turns usage errors into 1.
    CommandLine line = WholeCommands.client();
    line.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));

    int exitCode = line.execute("ls", "/");

    assertThat(exitCode).isEqualTo(CliErrors.USAGE_EXIT_CODE);
    assertThat(err.toString()).contains("-m HOST:PORT").contains("HIRO_MASTER");
  }

  @Test
  void everyOtherCommandParsesItsArguments() {
    assertThat(parse(LsCommand.class, "ls", "-m", "h:1").path).isEqualTo("/");
    assertThat(parse(LsCommand.class, "ls", "-l", "/a", "-m", "h:1").longForm).isTrue();
    assertThat(parse(RmCommand.class, "rm", "-r", "/a", "-m", "h:1").recursive).isTrue();
    assertThat(parse(MkdirCommand.class, "mkdir", "-p", "/a/b", "-m", "h:1").parents).isTrue();
    MvCommand mv = parse(MvCommand.class, "mv", "/a", "/b", "-m", "h:1");
    assertThat(List.of(mv.source, mv.destination)).containsExactly("/a", "/b");
    assertThat(parse(StatCommand.class, "stat", "/a", "-m", "h:1").path).isEqualTo("/a");
    assertThat(parse(CatCommand.class, "cat", "/a", "-m", "h:1").remote).isEqualTo("/a");
    assertThat(parse(GetCommand.class, "get", "/a", "here", "-m", "h:1").localPath()).isEqualTo(Path.of("here"));
  }

  @Test
  void putPrintsOneLineAndStatListsThePieces() throws IOException {
    try (FakeCluster cluster = new FakeCluster(3)) {
      MasterOption.connector = (address, security) -> cluster.client();
      Path local = Files.write(dir.resolve("a.bin"), new byte[100_000]);

      int putExit = run(WholeCommands.client(), "put", local.toString(), "/d/", "--piece-size", "64KiB",
          "-m", "h:1");
      int statExit = run(WholeCommands.client(), "stat", "/d/a.bin", "-m", "h:1");

      assertThat(putExit).isZero();
      assertThat(statExit).isZero();
      assertThat(out.toString()).startsWith("/d/a.bin  97.7 KiB  2 pieces  replication 3")
          .contains("pieces:      2").contains("w1,w2,w3");
      assertThat(err.toString()).isEmpty();
    }
  }

  @Test
  void putOfAOnePieceFileSaysPiece() throws IOException {
    try (FakeCluster cluster = new FakeCluster(3)) {
      MasterOption.connector = (address, security) -> cluster.client();
      Path local = Files.write(dir.resolve("small.txt"), new byte[2_000]);

      int putExit = run(WholeCommands.client(), "put", local.toString(), "-m", "h:1");

      assertThat(putExit).isZero();
      assertThat(out.toString()).isEqualTo("/small.txt  2.0 KiB  1 piece  replication 3" + System.lineSeparator());
    }
  }

  @Test
  void aFailureIsOneLineWithTheExitCodeOfItsKind() {
    try (FakeCluster cluster = new FakeCluster(1)) {
      MasterOption.connector = (address, security) -> cluster.client();

      int exitCode = run(WholeCommands.client(), "get", "/missing", dir.resolve("x").toString(), "-m", "h:1");

      assertThat(exitCode).isEqualTo(ErrorCode.NOT_FOUND.exitCode());
      assertThat(err.toString()).startsWith("hiro: ").contains("/missing").hasLineCount(1);
    }
  }

  @Test
  void adminReportPrintsATableOrStableJson() {
    AtomicReference<String> json = new AtomicReference<>();
    ClusterReport report = new ClusterReport(
        List.of(new WorkerInfo("w1", "10.0.0.7:5050", "live", 100, 40, 60, 3, 12)), 2, 1, 3, 1, 0, 40);
    json.set(ReportCommand.toJson(report));

    assertThat(json.get()).isEqualTo("{\"workers\":[{\"workerId\":\"w1\",\"address\":\"10.0.0.7:5050\","
        + "\"state\":\"live\",\"capacityBytes\":100,\"usedBytes\":40,\"freeBytes\":60,\"replicaCount\":3,"
        + "\"lastHeartbeatMillis\":12}],\"fileCount\":2,\"directoryCount\":1,\"pieceCount\":3,"
        + "\"underReplicatedPieces\":1,\"missingPieces\":0,\"bytesStored\":40,\"safeMode\":false,"
        + "\"safeModeRemainingMillis\":0,\"pendingCopies\":0,\"surplusReplicas\":0,\"lastReplicaPieces\":0,"
        + "\"health\":\"\",\"healthReasons\":[]}");
    assertThat(ReportCommand.toTable(report)).contains("w1").contains("10.0.0.7:5050").contains("under-replicated 1");
    assertThat(ReportCommand.quote("a\"b\\c\n")).isEqualTo("\"a\\\"b\\\\c\\n\"");
  }

  @Test
  void adminReportRunsAgainstTheMaster() {
    try (FakeCluster cluster = new FakeCluster(2)) {
      MasterOption.connector = (address, security) -> cluster.client();

      int exitCode = run(WholeCommands.admin(), "report", "--json", "-m", "h:1");

      assertThat(exitCode).isZero();
      assertThat(out.toString()).contains("\"workerId\":\"w1\"").contains("\"workerId\":\"w2\"");
    }
  }
}
