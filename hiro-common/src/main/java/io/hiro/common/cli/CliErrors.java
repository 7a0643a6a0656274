package io.hiro.common.cli;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.rpc.StatusMapping;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one place where a failure becomes a one-line message on stderr and a distinct exit code
 * (see {@link ErrorCode#exitCode()} and the README's table). Usage errors exit with 2.
 */
public final class CliErrors implements CommandLine.IExecutionExceptionHandler {
  public static final int USAGE_EXIT_CODE = 2;

  @Override
  public int handleExecutionException(Exception error, CommandLine command, CommandLine.ParseResult parsed) {
    HiroException hiro = toHiro(error);
    PrintWriter err = command.getErr();
    err.println("hiro: " + hiro.getMessage());
    err.flush();
    return hiro.code().exitCode();
  }

  public static HiroException toHiro(Throwable error) {
    if (error instanceof HiroException e) {
      return e;
    }
    if (error instanceof StatusRuntimeException e) {
      return StatusMapping.fromGrpc(e, "server");
    }
    if (error instanceof java.io.UncheckedIOException || error instanceof java.io.IOException) {
      return new HiroException(ErrorCode.UNAVAILABLE, "I/O error: " + error.getMessage(), error);
    }
    return new HiroException(ErrorCode.INTERNAL, "internal error: " + error, error);
  }

  /** Installs Hiro's error handling on a command line. */
  public static CommandLine install(CommandLine commandLine) {
    return commandLine.setExecutionExceptionHandler(new CliErrors())
        .setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException
            ? USAGE_EXIT_CODE : toHiro(e).code().exitCode());
  }
}
