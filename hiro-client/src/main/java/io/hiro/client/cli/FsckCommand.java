package io.hiro.client.cli;

import io.hiro.client.FsckFile;
import io.hiro.client.FsckReport;
import io.hiro.client.HiroClient;
import io.hiro.common.HiroException;
import io.hiro.common.Sizes;
import io.hiro.common.cli.Counts;
import io.hiro.common.json.JsonWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hiro admin fsck [PATH] [--json]}: one line per unhealthy file, then a summary. Exits 0 when
 * every file can be read in full (under-replicated files are a warning), and with the data-loss exit
 * code when a file has a missing piece.
 */
@Command(name = "fsck", mixinStandardHelpOptions = true,
    description = {"Check the files under PATH: list those with missing pieces, too few replicas or corrupt ones.",
        "Exits 0 when every file can be read in full (under-replicated is a warning), 8 when a piece is missing."})
public final class FsckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin MasterOption master;
  @Mixin OutputOptions output;

  @Parameters(index = "0", paramLabel = "PATH", defaultValue = "/", description = "Where to start (default: /).")
  String path;


  public FsckCommand() {}

  @Override
  public Integer call() {
    FsckReport report;
    try (HiroClient client = master.connect()) {
      report = client.fsck(path);
    }
    output.print(() -> toLines(report), () -> toJson(report));
    if (!report.readable()) {
      throw HiroException.dataLoss("%d of %d files under %s cannot be read in full (missing pieces); start the "
          + "workers that held them (see 'hiro admin report')", report.filesUnreadable(), report.filesChecked(), path);
    }
    return 0;
  }

  static String toLines(FsckReport report) {
    StringBuilder lines = new StringBuilder();
    for (FsckFile file : report.files()) {
      lines.append(String.format("%s  %s  %s: %d missing, %d under-replicated, %s; replication %d, %s%n",
          file.path(), file.state(), Counts.of(file.pieces(), "piece"), file.missingPieces(),
          file.underReplicatedPieces(), Counts.of(file.corruptReplicas(), "corrupt replica"), file.replication(),
          Sizes.format(file.sizeBytes())));
    }
    if (report.truncated()) {
      lines.append(String.format("(only the first %d unhealthy files are listed; fsck a smaller path for the rest)%n",
          report.files().size()));
    }
    lines.append(String.format("%s checked: %d unreadable, %d under-replicated; %s",
        Counts.of(report.filesChecked(), "file"), report.filesUnreadable(), report.filesUnderReplicated(),
        report.readable() ? "every file can be read in full" : "some files cannot be read in full"));
    if (report.safeMode()) {
      lines.append(" (the master is in safe mode: not every worker has reported yet)");
    }
    return lines.toString();
  }

  static String toJson(FsckReport report) {
    JsonWriter json = new JsonWriter().beginObject().name("files").beginArray();
    for (FsckFile file : report.files()) {
      json.beginObject()
          .field("path", file.path())
          .field("sizeBytes", file.sizeBytes())
          .field("replication", file.replication())
          .field("pieces", file.pieces())
          .field("missingPieces", file.missingPieces())
          .field("underReplicatedPieces", file.underReplicatedPieces())
          .field("corruptReplicas", file.corruptReplicas())
          .field("state", file.state())
          .endObject();
    }
    return json.endArray()
        .field("filesChecked", report.filesChecked())
        .field("filesUnreadable", report.filesUnreadable())
        .field("filesUnderReplicated", report.filesUnderReplicated())
        .field("safeMode", report.safeMode())
        .field("truncated", report.truncated())
        .endObject().toString();
  }
}
