package io.hiro.client.cli;

import io.hiro.client.HiroClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "mv", mixinStandardHelpOptions = true, description = "Move or rename a file or directory.")
public final class MvCommand implements Callable<Integer> {
  @Mixin MasterOption master;
  @Mixin OutputOptions output;

  @Parameters(index = "0", paramLabel = "SRC", description = "The path to move.")
  String source;

  @Parameters(index = "1", paramLabel = "DST", description = "Its new path.")
  String destination;

  public MvCommand() {}

  @Override
  public Integer call() {
    try (HiroClient client = master.connect()) {
      client.move(source, destination);
    }
    output.print(() -> "", () -> ClientJson.moved(source, destination));
    return 0;
  }
}
