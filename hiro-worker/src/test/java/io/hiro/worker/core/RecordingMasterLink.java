package io.hiro.worker.core;

import io.hiro.proto.HeartbeatRequest;
import io.hiro.proto.HeartbeatResponse;
import io.hiro.proto.RegisterRequest;
import io.hiro.proto.RegisterResponse;
import io.hiro.proto.ReportReplicasRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A master in memory that records replica reports and answers everything else with defaults. */
class RecordingMasterLink implements MasterLink {
  final List<ReportReplicasRequest> reports = new CopyOnWriteArrayList<>();

  @Override
  public RegisterResponse register(RegisterRequest request) {
    return RegisterResponse.getDefaultInstance();
  }

  @Override
  public HeartbeatResponse heartbeat(HeartbeatRequest request) {
    return HeartbeatResponse.getDefaultInstance();
  }

  @Override
  public void reportReplicas(ReportReplicasRequest request) {
    reports.add(request);
  }

  @Override
  public String describe() {
    return "recording master";
  }

  boolean reportedCorrupt(long pieceId) {
    return reports.stream().anyMatch(r -> r.getCorruptPieceIdsList().contains(pieceId));
  }
}
