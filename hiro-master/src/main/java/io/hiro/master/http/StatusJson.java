package io.hiro.master.http;

import io.hiro.common.json.JsonWriter;
import io.hiro.master.core.ClusterEvent;
import io.hiro.master.core.ClusterHealth;
import io.hiro.master.core.ClusterView;

/**
 * {@code /status.json}: the status page's data as one JSON object, a pure function of a {@link ClusterView}.
 * The schema is documented in the README and only ever grows (new fields at the end of an object).
 */
public final class StatusJson {
  private StatusJson() {}

  public static String render(ClusterView view) {
    ClusterHealth health = view.health();
    JsonWriter json = new JsonWriter().beginObject()
        .field("health", health.level().label())
        .field("healthReasons", health.reasons())
        .field("reportMillis", view.reportMillis())
        .name("workers").beginArray();
    for (ClusterView.WorkerState worker : view.workers()) {
      json.beginObject()
          .field("workerId", worker.workerId())
          .field("address", worker.address())
          .field("state", worker.state())
          .field("capacityBytes", worker.capacityBytes())
          .field("usedBytes", worker.usedBytes())
          .field("freeBytes", worker.freeBytes())
          .field("replicaCount", worker.replicaCount())
          .field("lastHeartbeatMillis", worker.lastHeartbeatMillis())
          .endObject();
    }
    json.endArray()
        .field("fileCount", view.fileCount())
        .field("directoryCount", view.directoryCount())
        .field("bytesStored", view.bytesStored())
        .field("pieceCount", view.pieceCount())
        .field("underReplicatedPieces", view.underReplicatedPieces())
        .field("lastReplicaPieces", view.lastReplicaPieces())
        .field("missingPieces", view.missingPieces())
        .field("pendingCopies", view.pendingCopies())
        .field("surplusReplicas", view.surplusReplicas())
        .field("safeMode", view.safeMode())
        .field("safeModeRemainingMillis", view.safeModeRemainingMillis())
        .name("events").beginArray();
    for (ClusterEvent event : view.events()) {
      json.beginObject()
          .field("atMillis", event.atMillis())
          .field("kind", event.kind())
          .field("workerId", event.workerId())
          .field("pieceId", event.pieceId())
          .field("message", event.message())
          .field("count", event.count())
          .endObject();
    }
    return json.endArray().endObject().toString();
  }
}
