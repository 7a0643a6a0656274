package io.hiro.client.cli;

import io.hiro.client.HiroClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rm", mixinStandardHelpOptions = true,
    description = "Delete a file, or with -r a directory and everything below it.")
public final class RmCommand implements Callable<Integer> {
  @Mixin MasterOption master;
  @Mixin OutputOptions output;

  @Option(names = {"-r", "--recursive"}, description = "Delete a directory and everything below it.")
  boolean recursive;

  @Parameters(index = "0", paramLabel = "PATH", description = "The file or directory to delete.")
  String path;

  public RmCommand() {}

  @Override
  public Integer call() {
    long deleted;
    try (HiroClient client = master.connect()) {
      deleted = client.delete(path, recursive);
    }
    output.print(() -> "", () -> ClientJson.deleted(path, deleted));
    return 0;
  }
}
