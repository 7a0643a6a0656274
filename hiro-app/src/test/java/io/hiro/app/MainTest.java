package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.ErrorCode;
import io.hiro.common.cli.CliErrors;
import io.hiro.common.security.ClusterSecret;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code hiro} command a run builds: only what its arguments name, with the same answers. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class MainTest {
  @Test
  void aRunThatNamesACommandBuildsThatCommandAlone() {
    assertThat(Main.commandLine("client", "stat", "/").getSubcommands()).containsOnlyKeys("client");
    assertThat(Main.commandLine("master", "--port", "8080").getSubcommands()).containsOnlyKeys("master");
    // and under client or admin, only the command named next
    assertThat(Main.commandLine("client", "stat", "/").getSubcommands().get("client").getSubcommands())
        .containsOnlyKeys("stat");
    assertThat(Main.commandLine("admin", "fsck", "/").getSubcommands().get("admin").getSubcommands())
        .containsOnlyKeys("fsck");
  }

  @Test
  void aRunThatNamesNoCommandOrOneThatReadsTheTreeGetsEveryCommand() {
    List<String> every = List.copyOf(Main.commandLine().getSubcommands().keySet());
    assertThat(every).contains("master", "worker", "client", "admin", "bench", "completion", "help");

    for (String[] args : List.of(new String[0], new String[] {"--help"}, new String[] {"clinet", "stat"},
        new String[] {"help", "client"}, new String[] {"completion"})) {
      assertThat(List.copyOf(Main.commandLine(args).getSubcommands().keySet())).as(String.join(" ", args))
          .isEqualTo(every);
    }
    List<String> everyClient = List.copyOf(Main.commandLine().getSubcommands().get("client").getSubcommands().keySet());
    assertThat(everyClient).containsExactly("put", "get", "cat", "ls", "stat", "rm", "mv", "mkdir");
    for (String[] args : List.of(new String[] {"client"}, new String[] {"client", "sta", "/"},
        new String[] {"client", "--log-level", "debug", "stat", "/"})) {
      assertThat(List.copyOf(Main.commandLine(args).getSubcommands().get("client").getSubcommands().keySet()))
          .as(String.join(" ", args)).isEqualTo(everyClient);
    }
  }

  /** What picocli answers to {@code args} that fail or ask for help before any call: the same either way. */
  @Test
  void aRunBuiltForItsArgumentsAnswersAsTheWholeTreeDoes() {
    for (String[] args : List.of(new String[] {"client", "stat"}, new String[] {"client", "sta", "/"},
        new String[] {"client", "stat", "/", "extra"}, new String[] {"admin", "fsck", "--bogus"},
        new String[] {"help", "client", "stat"}, new String[] {"client", "stat", "--help"},
        new String[] {"client", "--log-level", "debug", "stat", "--help"}, new String[] {"client", "put", "--", "-x"},
        new String[] {"client", "stat", "/", "--log-level", "loud"})) {
      assertThat(answer(Main.commandLine(args), args)).as(String.join(" ", args))
          .isEqualTo(answer(Main.commandLine(), args));
    }
    // an option client's mixin gives every command under it, with stat built alone
    assertThat(Main.commandLine("client", "stat", "/", "--log-level", "debug")
        .parseArgs("client", "stat", "/", "--log-level", "debug").subcommand().subcommand().matchedOption("--log-level"))
        .isNotNull();
  }

  private static String answer(CommandLine command, String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    CliErrors.install(command).setOut(new java.io.PrintWriter(out, true)).setErr(new java.io.PrintWriter(err, true));
    int exitCode = command.execute(args);
    return "exit " + exitCode + "\nout: " + out + "\nerr: " + err;
  }

  @Test
  void eachCommandBuiltAloneHasTheUsageItHasInTheWholeTree() {
    CommandLine whole = Main.commandLine();
    for (String name : whole.getSubcommands().keySet()) {
      CommandLine alone = Main.commandLine(name).getSubcommands().get(name);
      assertThat(usages(alone)).as(name).isEqualTo(usages(whole.getSubcommands().get(name)));
      for (String subname : whole.getSubcommands().get(name).getSubcommands().keySet()) {
        CommandLine subAlone = Main.commandLine(name, subname).getSubcommands().get(name).getSubcommands().get(subname);
        assertThat(usages(subAlone)).as(name + " " + subname)
            .isEqualTo(usages(whole.getSubcommands().get(name).getSubcommands().get(subname)));
      }
    }
  }

  @Test
  void aClientCommandsSetUpThreadHasEndedWhenItReturnsEvenAfterAUsageError(@TempDir Path dir) {
    Path secret = dir.resolve("cluster.secret");
    ClusterSecret.createAt(secret);
    // The usage error (a missing PATH) first: the set-up is slowest in a JVM that has not done it.
    // Then a call that connects, signed with a secret, to a port where nothing listens.
    Map<List<String>, Integer> exitCodes = new LinkedHashMap<>();
    exitCodes.put(List.of("client", "stat"), CliErrors.USAGE_EXIT_CODE);
    exitCodes.put(List.of("client", "stat", "/", "-m", "127.0.0.1:1", "--secret-file", secret.toString()),
        ErrorCode.UNAVAILABLE.exitCode());
    exitCodes.forEach((args, expected) -> {
      int exitCode = Main.execute(args.toArray(String[]::new));

      assertThat(exitCode).as(String.join(" ", args)).isEqualTo(expected);
      assertThat(Thread.getAllStackTraces().keySet()).as(String.join(" ", args))
          .noneMatch(thread -> thread.getName().equals(Main.SET_UP_THREAD) && thread.isAlive());
    });
  }

  /** The usage of {@code command} and of every command under it, in order. */
  private static List<String> usages(CommandLine command) {
    return Stream.concat(Stream.of(command.getUsageMessage()),
        command.getSubcommands().values().stream().flatMap(sub -> usages(sub).stream())).toList();
  }
}
