package io.hiro.common.cli;

import io.hiro.common.logging.LogControl;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code --log-level LEVEL}: mixed into every top-level command ({@code master}, {@code worker},
 * {@code client}, {@code admin}, ...) and inherited by their subcommands. It wins over the environment
 * variable {@code HIRO_LOG_LEVEL}, which still works where the option is not given. Client commands
 * log only errors unless told otherwise; daemons log INFO.
 */
public final class LogLevelOption {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--log-level", paramLabel = "LEVEL", scope = ScopeType.INHERIT,
      description = "ERROR, WARN, INFO, DEBUG or TRACE for Hiro's own log lines on stderr "
          + "(default: env HIRO_LOG_LEVEL, else INFO for daemons and ERROR for client commands).")
  void setLevel(String level) {
    String upper = level.toUpperCase(Locale.ROOT);
    if (!Arrays.asList(LogControl.LEVELS).contains(upper)) {
      throw new ParameterException(mixee.commandLine(), "--log-level " + level + " is not one of "
          + String.join(", ", LogControl.LEVELS));
    }
    LogControl.current().setLevel(upper);
  }
}
