package io.hiro.client.cli;

import io.hiro.common.cli.LogLevelOption;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "client", mixinStandardHelpOptions = true,
    description = "Move files in and out of Hiro and change its namespace.")
public final class ClientCommand implements Runnable {
  /**
   * The commands under {@code hiro client}, in the order its help lists them. They are added in code,
   * not in the annotation, so that a run can build only the one it names: picocli reads a command's
   * annotations when it is added ({@code io.hiro.app.Main}).
   */
  public static final List<Class<?>> COMMANDS = List.of(PutCommand.class, GetCommand.class, CatCommand.class,
      LsCommand.class, StatCommand.class, RmCommand.class, MvCommand.class, MkdirCommand.class);

  @Spec CommandSpec spec;
  @Mixin LogLevelOption logLevel;

  public ClientCommand() {}

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "give a command: put, get, cat, ls, stat, rm, mv or mkdir");
  }
}
