package io.hiro.client.cli;

import io.hiro.client.FsckFile;
import io.hiro.client.FsckReport;
import io.hiro.client.HiroClient;
import io.hiro.common.HiroException;
import io.hiro.common.Sizes;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

  @Parameters(index = "0", paramLabel = "PATH", defaultValue = "/", description = "Where to start (default: /).")
  String path;

  @Option(names = "--json", description = "Print one JSON object with stable field names instead of lines.")
  boolean json;

  public FsckCommand() {}

  @Override
  public Integer call() {
    FsckReport report;
    try (HiroClient client = master.connect()) {
      report = client.fsck(path);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? toJson(report) : toLines(report));
    out.flush();
    if (!report.readable()) {
      throw HiroException.dataLoss("%d of %d files under %s cannot be read in full (missing pieces); start the "
          + "workers that held them (see 'hiro admin report')", report.filesUnreadable(), report.filesChecked(), path);
    }
    return 0;
  }

  static String toLines(FsckReport report) {
    StringBuilder lines = new StringBuilder();
    for (FsckFile file : report.files()) {
      lines.append(String.format("%s  %s  %d pieces: %d missing, %d under-replicated, %d corrupt replicas; "
              + "replication %d, %s%n", file.path(), file.state(), file.pieces(), file.missingPieces(),
          file.underReplicatedPieces(), file.corruptReplicas(), file.replication(), Sizes.format(file.sizeBytes())));
    }
    if (report.truncated()) {
      lines.append(String.format("(only the first %d unhealthy files are listed; fsck a smaller path for the rest)%n",
          report.files().size()));
    }
    lines.append(String.format("%d files checked: %d unreadable, %d under-replicated; %s",
        report.filesChecked(), report.filesUnreadable(), report.filesUnderReplicated(),
        report.readable() ? "every file can be read in full" : "some files cannot be read in full"));
    if (report.safeMode()) {
      lines.append(" (the master is in safe mode: not every worker has reported yet)");
    }
    return lines.toString();
  }

  static String toJson(FsckReport report) {
    StringBuilder json = new StringBuilder("{\"files\":[");
    for (int i = 0; i < report.files().size(); i++) {
      FsckFile file = report.files().get(i);
      json.append(i == 0 ? "" : ",")
          .append("{\"path\":").append(ReportCommand.quote(file.path()))
          .append(",\"sizeBytes\":").append(file.sizeBytes())
          .append(",\"replication\":").append(file.replication())
          .append(",\"pieces\":").append(file.pieces())
          .append(",\"missingPieces\":").append(file.missingPieces())
          .append(",\"underReplicatedPieces\":").append(file.underReplicatedPieces())
          .append(",\"corruptReplicas\":").append(file.corruptReplicas())
          .append(",\"state\":").append(ReportCommand.quote(file.state()))
          .append('}');
    }
    return json.append("],\"filesChecked\":").append(report.filesChecked())
        .append(",\"filesUnreadable\":").append(report.filesUnreadable())
        .append(",\"filesUnderReplicated\":").append(report.filesUnderReplicated())
        .append(",\"safeMode\":").append(report.safeMode())
        .append(",\"truncated\":").append(report.truncated())
        .append('}').toString();
  }
}
