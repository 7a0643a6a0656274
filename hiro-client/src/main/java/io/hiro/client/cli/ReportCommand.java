package io.hiro.client.cli;

import io.hiro.client.ClusterReport;
import io.hiro.client.HiroClient;
import io.hiro.client.WorkerInfo;
import io.hiro.common.Sizes;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Show the workers and the health of the cluster: files, pieces, under-replicated and missing.")
public final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin MasterOption master;

  @Option(names = "--json", description = "Print one JSON object with stable field names instead of a table.")
  boolean json;

  public ReportCommand() {}

  @Override
  public Integer call() {
    ClusterReport report;
    try (HiroClient client = master.connect()) {
      report = client.report();
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? toJson(report) : toTable(report));
    out.flush();
    return 0;
  }

  static String toTable(ClusterReport report) {
    StringBuilder table = new StringBuilder();
    String row = "%-16s %-24s %-8s %12s %12s %10s%n";
    table.append(String.format(row, "WORKER", "ADDRESS", "STATE", "CAPACITY", "USED", "REPLICAS"));
    for (WorkerInfo w : report.workers()) {
      table.append(String.format(row, w.workerId().isEmpty() ? "-" : w.workerId(), w.address(), w.state(),
          Sizes.format(w.capacityBytes()), Sizes.format(w.usedBytes()), w.replicaCount()));
    }
    table.append(String.format("%nfiles %d, directories %d, pieces %d, under-replicated %d, missing %d, stored %s",
        report.fileCount(), report.directoryCount(), report.pieceCount(), report.underReplicatedPieces(),
        report.missingPieces(), Sizes.format(report.bytesStored())));
    if (report.pendingCopies() > 0 || report.surplusReplicas() > 0) {
      table.append(String.format("%nre-replication: %d copies pending, %d surplus replicas to remove",
          report.pendingCopies(), report.surplusReplicas()));
    }
    if (report.safeMode()) {
      table.append(String.format("%nsafe mode (%ds left): waiting for workers to report; nothing is copied or deleted",
          (report.safeModeRemainingMillis() + 999) / 1000));
    }
    return table.toString();
  }

  static String toJson(ClusterReport report) {
    StringBuilder json = new StringBuilder("{\"workers\":[");
    for (int i = 0; i < report.workers().size(); i++) {
      WorkerInfo w = report.workers().get(i);
      json.append(i == 0 ? "" : ",")
          .append("{\"workerId\":").append(quote(w.workerId()))
          .append(",\"address\":").append(quote(w.address()))
          .append(",\"state\":").append(quote(w.state()))
          .append(",\"capacityBytes\":").append(w.capacityBytes())
          .append(",\"usedBytes\":").append(w.usedBytes())
          .append(",\"freeBytes\":").append(w.freeBytes())
          .append(",\"replicaCount\":").append(w.replicaCount())
          .append(",\"lastHeartbeatMillis\":").append(w.lastHeartbeatMillis())
          .append('}');
    }
    return json.append("],\"fileCount\":").append(report.fileCount())
        .append(",\"directoryCount\":").append(report.directoryCount())
        .append(",\"pieceCount\":").append(report.pieceCount())
        .append(",\"underReplicatedPieces\":").append(report.underReplicatedPieces())
        .append(",\"missingPieces\":").append(report.missingPieces())
        .append(",\"bytesStored\":").append(report.bytesStored())
        .append(",\"safeMode\":").append(report.safeMode())
        .append(",\"safeModeRemainingMillis\":").append(report.safeModeRemainingMillis())
        .append(",\"pendingCopies\":").append(report.pendingCopies())
        .append(",\"surplusReplicas\":").append(report.surplusReplicas())
        .append('}').toString();
  }

  static String quote(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}
