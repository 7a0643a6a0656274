package io.hiro.client.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code -q} and {@code --json}, on every client and admin command that prints a result: by default a
 * line for a person; {@code -q} prints nothing on success (warnings and errors still go to stderr);
 * {@code --json} prints one JSON object whose schema the README documents. A progress bar is drawn
 * only for a person at a terminal.
 */
public final class OutputOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = {"-q", "--quiet"}, description = "Print nothing on success (warnings still go to stderr).")
  boolean quiet;

  @Option(names = "--json", description = "Print one JSON object with stable field names (see the README).")
  boolean json;

  /** Prints the result: {@code json} with --json, nothing with -q, else {@code human} (if not empty). */
  void print(Supplier<String> human, Supplier<String> json) {
    if (quiet && this.json) {
      throw new ParameterException(mixee.commandLine(), "-q and --json exclude each other: choose one");
    }
    PrintWriter out = mixee.commandLine().getOut();
    if (this.json) {
      out.println(json.get());
    } else if (!quiet) {
      String text = human.get();
      if (!text.isEmpty()) {
        out.print(text.endsWith("\n") ? text : text + System.lineSeparator());
      }
    }
    out.flush();
  }

  /** True when a person watches: not -q, not --json, and the console is a terminal. */
  boolean showProgress() {
    return !quiet && !json && isTerminal();
  }

  /**
   * The JVM's console is a terminal. Before JDK 22, {@link System#console()} is null unless stdin and
   * stdout are terminals; from JDK 22 it may exist when redirected and {@code isTerminal()} tells.
   */
  static boolean isTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
