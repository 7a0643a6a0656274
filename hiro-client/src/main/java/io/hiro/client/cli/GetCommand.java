package io.hiro.client.cli;

import io.hiro.client.GetResult;
import io.hiro.client.HiroClient;
import io.hiro.client.ProgressListener;
import io.hiro.common.HiroPath;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "get", mixinStandardHelpOptions = true,
    description = "Download a file, verifying every checksum; the local file appears only when complete.")
public final class GetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin MasterOption master;
  @Mixin OutputOptions output;

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
    GetResult result;
    try (HiroClient client = master.connect();
        TerminalProgress progress = output.showProgress()
            ? new TerminalProgress(spec.commandLine().getErr(), HiroPath.parse(remote).name()) : null) {
      result = client.get(remote, target, progress == null ? ProgressListener.NONE : progress);
    }
    output.print(() -> "", () -> ClientJson.get(result));
    return 0;
  }
}
