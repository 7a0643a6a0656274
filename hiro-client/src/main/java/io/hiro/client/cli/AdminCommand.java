package io.hiro.client.cli;

import io.hiro.common.cli.LogLevelOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "admin", mixinStandardHelpOptions = true, description = "Look after a Hiro cluster.",
    subcommands = {ReportCommand.class, FsckCommand.class})
public final class AdminCommand implements Runnable {
  @Spec CommandSpec spec;
  @Mixin LogLevelOption logLevel;

  public AdminCommand() {}

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "give a command: report or fsck");
  }
}
