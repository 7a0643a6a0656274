package io.hiro.app;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code hiro completion}: prints the shell completion script picocli generates from the commands
 * themselves, so it never lags behind an option. It is a bash script that zsh runs too (through
 * bashcompinit, which the script loads itself).
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print a bash/zsh completion script for hiro.",
        "bash:  source <(hiro completion)     or once for good:  hiro completion > /etc/bash_completion.d/hiro",
        "zsh:   source <(hiro completion)     (add it to ~/.zshrc)"})
public final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin io.hiro.common.cli.LogLevelOption logLevel;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(AutoComplete.bash("hiro", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
