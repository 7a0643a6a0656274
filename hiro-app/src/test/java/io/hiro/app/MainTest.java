package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The {@code hiro} command a run builds: only what its arguments name, with the same answers. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class MainTest {
  @Test
  void aRunThatNamesACommandBuildsThatCommandAlone() {
    assertThat(Main.commandLine("client", "stat", "/").getSubcommands()).containsOnlyKeys("client");
    assertThat(Main.commandLine("master", "--port", "8080").getSubcommands()).containsOnlyKeys("master");
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
  }

  @Test
  void eachCommandBuiltAloneHasTheUsageItHasInTheWholeTree() {
    CommandLine whole = Main.commandLine();
    for (String name : whole.getSubcommands().keySet()) {
      CommandLine alone = Main.commandLine(name).getSubcommands().get(name);
      assertThat(usages(alone)).as(name).isEqualTo(usages(whole.getSubcommands().get(name)));
    }
  }

  @Test
  void aClientCommandsSetUpThreadHasEndedWhenItReturnsEvenAfterAUsageError() {
    // The usage error (a missing PATH) first: the set-up is slowest in a JVM that has not done it.
    // Nothing listens on port 1.
    for (String[] args : List.of(new String[] {"client", "stat"},
        new String[] {"client", "stat", "/", "-m", "127.0.0.1:1"})) {
      int exitCode = Main.execute(args);

      assertThat(exitCode).as(String.join(" ", args)).isNotZero();
      assertThat(Thread.getAllStackTraces().keySet()).as(String.join(" ", args))
          .noneMatch(thread -> thread.getName().equals(Main.SET_UP_THREAD) && thread.isAlive());
    }
  }

  /** The usage of {@code command} and of every command under it, in order. */
  private static List<String> usages(CommandLine command) {
    return Stream.concat(Stream.of(command.getUsageMessage()),
        command.getSubcommands().values().stream().flatMap(sub -> usages(sub).stream())).toList();
  }
}
