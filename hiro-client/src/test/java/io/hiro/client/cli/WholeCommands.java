package io.hiro.client.cli;

import java.util.List;
import picocli.CommandLine;

/** {@code hiro client} and {@code hiro admin} with every command under them, as in the whole tree. */
final class WholeCommands {
  private WholeCommands() {}

  static CommandLine client() {
    return with(new ClientCommand(), ClientCommand.COMMANDS);
  }

  static CommandLine admin() {
    return with(new AdminCommand(), AdminCommand.COMMANDS);
  }

  private static CommandLine with(Object command, List<Class<?>> commands) {
    CommandLine line = new CommandLine(command);
    commands.forEach(line::addSubcommand);
    return line;
  }
}
