package io.hiro.worker.core;

import io.hiro.proto.HeartbeatRequest;
import io.hiro.proto.HeartbeatResponse;
import io.hiro.proto.RegisterRequest;
import io.hiro.proto.RegisterResponse;
import io.hiro.proto.ReportReplicasRequest;

/** The master as a worker talks to it. Each call throws a HiroException when it fails. */
public interface MasterLink {
  RegisterResponse register(RegisterRequest request);

  HeartbeatResponse heartbeat(HeartbeatRequest request);

  void reportReplicas(ReportReplicasRequest request);

  /** Where the master is, for messages. */
  String describe();
}
