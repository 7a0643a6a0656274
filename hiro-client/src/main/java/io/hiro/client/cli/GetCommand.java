package io.hiro.client.cli;

import io.hiro.client.HiroClient;
import io.hiro.common.HiroPath;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "get", mixinStandardHelpOptions = true,
    description = "Download a file, verifying every checksum; the local file appears only when complete.")
public final class GetCommand implements Callable<Integer> {
  @Mixin MasterOption master;

  @Parameters(index = "0", paramLabel = "REMOTE", description = "The file to download.")
  String remote;

  @Parameters(index = "1", paramLabel = "LOCAL", arity = "0..1",
      description = "Where to write it (default: its name in the current directory; a directory means DIR/<name>).")
  Path local;

  public GetCommand() {}

  Path localPath() {
    return local != null ? local : Path.of(HiroPath.parse(remote).name());
  }

  @Override
  public Integer call() {
    Path target = localPath();
    try (HiroClient client = master.connect()) {
      client.get(remote, target);
    }
    return 0;
  }
}
