package io.hiro.client.cli;

import io.hiro.client.HiroClient;
import io.hiro.client.PutOptions;
import io.hiro.client.ProgressListener;
import io.hiro.client.PutResult;
import io.hiro.common.Sizes;
import io.hiro.common.cli.Counts;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "put", mixinStandardHelpOptions = true,
    description = "Upload a local file to Hiro; it becomes visible once every piece is stored.")
public final class PutCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin MasterOption master;
  @Mixin OutputOptions output;

  @Parameters(index = "0", paramLabel = "LOCAL", description = "The local file to upload.")
  Path local;

  @Parameters(index = "1", paramLabel = "REMOTE", arity = "0..1",
      description = "Where to put it (default: /<file name>; a path ending in '/' means that directory).")
  String remote;

  @Option(names = "--replication", paramLabel = "N", description = "Replicas of each piece (default: the master's).")
  int replication;

  @Option(names = "--piece-size", paramLabel = "SIZE", description = "Size of each piece, e.g. 64MiB (default: the master's).")
  String pieceSize;

  @Option(names = "--overwrite", description = "Replace a file already at REMOTE.")
  boolean overwrite;

  public PutCommand() {}

  /** REMOTE as given, or /<file name>, or REMOTE<file name> when REMOTE ends in '/'. */
  String remotePath() {
    String name = local.getFileName().toString();
    if (remote == null) {
      return "/" + name;
    }
    return remote.endsWith("/") ? remote + name : remote;
  }

  PutOptions options() {
    return new PutOptions(replication, pieceSize == null ? 0 : Sizes.parse(pieceSize), overwrite);
  }

  @Override
  public Integer call() {
    PutOptions options = options();
    PutResult result;
    try (HiroClient client = master.connect();
        TerminalProgress progress = output.showProgress()
            ? new TerminalProgress(spec.commandLine().getErr(), local.getFileName().toString()) : null) {
      result = client.put(local, remotePath(), options, progress == null ? ProgressListener.NONE : progress);
    }
    output.print(() -> String.format("%s  %s  %s  replication %d", result.path(), Sizes.format(result.sizeBytes()),
        Counts.of(result.pieces().size(), "piece"), result.replication()), () -> ClientJson.put(result));
    if (result.underReplicated()) {
      int fewest = result.pieces().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
      spec.commandLine().getErr().printf("warning: %s is under-replicated: %d of the %d replicas it wants "
          + "(too few live workers); see 'hiro admin report'%n", result.path(), fewest, result.replication());
    }
    return 0;
  }
}
