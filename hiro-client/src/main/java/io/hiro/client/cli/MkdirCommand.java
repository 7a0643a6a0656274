package io.hiro.client.cli;

import io.hiro.client.HiroClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "mkdir", mixinStandardHelpOptions = true, description = "Create a directory.")
public final class MkdirCommand implements Callable<Integer> {
  @Mixin MasterOption master;
  @Mixin OutputOptions output;

  @Option(names = {"-p", "--parents"}, description = "Create missing parents too; no error if it exists.")
  boolean parents;

  @Parameters(index = "0", paramLabel = "PATH", description = "The directory to create.")
  String path;

  public MkdirCommand() {}

  @Override
  public Integer call() {
    try (HiroClient client = master.connect()) {
      client.mkdir(path, parents);
    }
    output.print(() -> "", () -> ClientJson.created(path));
    return 0;
  }
}
