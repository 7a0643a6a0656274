package io.hiro.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.client.fake.FakeCluster;
import io.hiro.common.cli.CliErrors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** -q prints nothing on success, --json one object per command, and neither draws a progress bar. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OutputModesTest {
  @TempDir Path dir;
  private FakeCluster cluster;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void start() {
    cluster = new FakeCluster(3);
    MasterOption.connector = (address, security) -> cluster.client();
  }

  @AfterEach
  void stop() {
    MasterOption.connector = MasterOption.NETWORK;
    cluster.close();
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine line = CliErrors.install(WholeCommands.client());
    line.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    return line.execute(args);
  }

  @Test
  void everyCommandPrintsOneJsonObjectWithItsDocumentedFields() throws Exception {
    Path local = Files.write(dir.resolve("a.txt"), "hello hiro".getBytes());

    assertThat(run("put", local.toString(), "/d/a.txt", "--json", "-m", "h:1")).isZero();
    assertThat(out.toString()).startsWith("{\"path\":\"/d/a.txt\",\"sizeBytes\":10,\"replication\":3,"
        + "\"underReplicated\":false,\"pieces\":[{\"index\":0,\"pieceId\":\"").contains("\"replicas\":[{\"workerId\":")
        .endsWith("]}]}" + System.lineSeparator());
    assertThat(err.toString()).isEmpty();

    assertThat(run("get", "/d/a.txt", dir.resolve("b.txt").toString(), "--json", "-m", "h:1")).isZero();
    assertThat(out.toString().strip()).isEqualTo("{\"path\":\"/d/a.txt\",\"local\":" + "\""
        + dir.resolve("b.txt").toAbsolutePath() + "\",\"sizeBytes\":10}");

    assertThat(run("ls", "/d", "--json", "-m", "h:1")).isZero();
    assertThat(out.toString()).startsWith("{\"path\":\"/d\",\"entries\":[{\"name\":\"a.txt\",\"path\":\"/d/a.txt\","
        + "\"directory\":false,\"sizeBytes\":10,\"replication\":3,\"modifiedMillis\":");

    assertThat(run("stat", "/d/a.txt", "--json", "-m", "h:1")).isZero();
    assertThat(out.toString()).startsWith("{\"path\":\"/d/a.txt\",\"directory\":false,\"sizeBytes\":10,")
        .contains("\"sha256\":\"", "\"pieces\":[{\"index\":0,");

    // The fake master keeps no directories: mkdir, mv and rm are checked on what they print.
    assertThat(ClientJson.created("/e")).isEqualTo("{\"path\":\"/e\"}");
    assertThat(ClientJson.moved("/d/a.txt", "/e/a.txt")).isEqualTo("{\"source\":\"/d/a.txt\",\"destination\":\"/e/a.txt\"}");
    assertThat(ClientJson.deleted("/e", 1)).isEqualTo("{\"path\":\"/e\",\"filesDeleted\":1}");
  }

  @Test
  void quietPrintsNothingOnSuccessAndQuietWithJsonIsAUsageError() throws Exception {
    Path local = Files.write(dir.resolve("a.txt"), "hello".getBytes());

    assertThat(run("put", local.toString(), "-q", "-m", "h:1")).isZero();
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).isEmpty();
    assertThat(run("ls", "-q", "-m", "h:1")).isZero();
    assertThat(out.toString()).isEmpty();

    assertThat(run("ls", "-q", "--json", "-m", "h:1")).isEqualTo(CliErrors.USAGE_EXIT_CODE);
    assertThat(err.toString()).contains("-q and --json exclude each other");
  }

  @Test
  void theProgressBarReadsAsAPersonExpects() {
    assertThat(TerminalProgress.line("a.jpg", 50L << 20, 100L << 20, 2_000_000_000L))
        .isEqualTo("a.jpg  [############------------]  50%  50.0 MiB / 100.0 MiB  25.0 MiB/s  2 s left");
    assertThat(TerminalProgress.line("a.jpg", 100, 100, 1_000_000_000L)).contains("100%", "done");
    assertThat(TerminalProgress.line("empty", 0, 0, 5)).contains("100%");
    assertThat(TerminalProgress.line("big", 1L << 30, 100L << 30, 10_000_000_000L)).endsWith("16 min 30 s left");
  }

  @Test
  void noProgressBarIsDrawnWithoutATerminal() {
    // Tests run without a console: System.console() is null or not a terminal.
    assertThat(OutputOptions.isTerminal()).isFalse();
  }
}
