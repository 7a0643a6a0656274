package io.hiro.client.cli;

import io.hiro.common.cli.LogLevelOption;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "admin", mixinStandardHelpOptions = true, description = "Look after a Hiro cluster.")
public final class AdminCommand implements Runnable {
  /**
   * The commands under {@code hiro admin}, in the order its help lists them. They are added in code,
   * not in the annotation, so that a run can build only the one it names: picocli reads a command's
   * annotations when it is added ({@code io.hiro.app.Main}).
   */
  public static final List<Class<?>> COMMANDS = List.of(ReportCommand.class, FsckCommand.class);

  @Spec CommandSpec spec;
  @Mixin LogLevelOption logLevel;

  public AdminCommand() {}

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "give a command: report or fsck");
  }
}
