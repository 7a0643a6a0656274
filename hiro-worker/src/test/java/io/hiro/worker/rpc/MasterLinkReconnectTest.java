package io.hiro.worker.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.BindableService;
import io.grpc.stub.StreamObserver;
import io.hiro.common.HiroException;
import io.hiro.common.rpc.MasterOutage;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.ClusterServiceGrpc;
import io.hiro.proto.HeartbeatRequest;
import io.hiro.proto.HeartbeatResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker heartbeats a master back from a restart at once, though it kept failing to reach it
 * while it was down. Without a reset, gRPC's channel waits longer and longer between its attempts
 * to connect (1 s, then 1.6 times more each time, up to 2 minutes) and fails calls at once
 * meanwhile: a master back after a long outage would count its workers dead (after 30 s) before
 * they reached it again.
 */
@Timeout(60)
class MasterLinkReconnectTest {
  private MasterOutage outage;
  private GrpcMasterLink link;

  private final BindableService master = new ClusterServiceGrpc.ClusterServiceImplBase() {
    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> responses) {
      responses.onNext(HeartbeatResponse.getDefaultInstance());
      responses.onCompleted();
    }
  };

  @AfterEach
  void stop() throws InterruptedException {
    if (link != null) {
      link.close();
    }
    if (outage != null) {
      outage.close();
    }
  }

  @Test
  void aHeartbeatReachesARestartedMasterAtOnceThoughTheLinkFailedWhileItWasDown() throws Exception {
    outage = new MasterOutage(master);
    link = new GrpcMasterLink(outage.address(), RpcSecurity.PLAINTEXT);
    HeartbeatRequest heartbeat = HeartbeatRequest.newBuilder().setWorkerId("w1").build();
    link.heartbeat(heartbeat);

    int failed = outage.downWhile(() -> link.heartbeat(heartbeat));
    assertThat(failed).as("heartbeats failed while the master was down").isPositive();

    // The first heartbeat may still find the channel between two attempts and fail at once (and
    // reset it); one of three made 0.2 s apart gets through, well before the channel's next attempt.
    int attempts = 0;
    boolean reached = false;
    while (!reached && attempts < 3) {
      attempts++;
      try {
        link.heartbeat(heartbeat);
        reached = true;
      } catch (HiroException e) {
        Thread.sleep(200);
      }
    }

    assertThat(reached).as("a heartbeat reached the restarted master within %d attempts", attempts).isTrue();
  }
}
