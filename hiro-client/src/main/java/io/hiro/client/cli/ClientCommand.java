package io.hiro.client.cli;

import io.hiro.common.cli.LogLevelOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "client", mixinStandardHelpOptions = true,
    description = "Move files in and out of Hiro and change its namespace.",
    subcommands = {PutCommand.class, GetCommand.class, CatCommand.class, LsCommand.class, StatCommand.class,
        RmCommand.class, MvCommand.class, MkdirCommand.class})
public final class ClientCommand implements Runnable {
  @Spec CommandSpec spec;
  @Mixin LogLevelOption logLevel;

  public ClientCommand() {}

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "give a command: put, get, cat, ls, stat, rm, mv or mkdir");
  }
}
