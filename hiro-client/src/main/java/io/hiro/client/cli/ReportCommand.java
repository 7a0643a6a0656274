package io.hiro.client.cli;

import io.hiro.client.ClusterReport;
import io.hiro.client.HiroClient;
import io.hiro.client.WorkerInfo;
import io.hiro.common.Sizes;
import io.hiro.common.json.JsonWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Show the workers and the health of the cluster: files, pieces, under-replicated and missing.")
public final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin MasterOption master;
  @Mixin OutputOptions output;


  public ReportCommand() {}

  @Override
  public Integer call() {
    ClusterReport report;
    try (HiroClient client = master.connect()) {
      report = client.report();
    }
    output.print(() -> toTable(report), () -> toJson(report));
    return 0;
  }

  static String toTable(ClusterReport report) {
    StringBuilder table = new StringBuilder();
    if (!report.health().isEmpty()) {
      table.append(report.healthReasons().isEmpty() ? report.health()
          : report.health() + ": " + String.join("; ", report.healthReasons())).append(String.format("%n%n"));
    }
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
    JsonWriter json = new JsonWriter().beginObject().name("workers").beginArray();
    for (WorkerInfo w : report.workers()) {
      json.beginObject()
          .field("workerId", w.workerId())
          .field("address", w.address())
          .field("state", w.state())
          .field("capacityBytes", w.capacityBytes())
          .field("usedBytes", w.usedBytes())
          .field("freeBytes", w.freeBytes())
          .field("replicaCount", w.replicaCount())
          .field("lastHeartbeatMillis", w.lastHeartbeatMillis())
          .endObject();
    }
    return json.endArray()
        .field("fileCount", report.fileCount())
        .field("directoryCount", report.directoryCount())
        .field("pieceCount", report.pieceCount())
        .field("underReplicatedPieces", report.underReplicatedPieces())
        .field("missingPieces", report.missingPieces())
        .field("bytesStored", report.bytesStored())
        .field("safeMode", report.safeMode())
        .field("safeModeRemainingMillis", report.safeModeRemainingMillis())
        .field("pendingCopies", report.pendingCopies())
        .field("surplusReplicas", report.surplusReplicas())
        .field("lastReplicaPieces", report.lastReplicaPieces())
        .field("health", report.health())
        .field("healthReasons", report.healthReasons())
        .endObject().toString();
  }

  static String quote(String text) {
    return JsonWriter.quote(text);
  }
}
