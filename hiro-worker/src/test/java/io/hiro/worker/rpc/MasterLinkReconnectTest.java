package io.hiro.worker.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.hiro.common.HiroException;
import io.hiro.common.HostPort;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.ClusterServiceGrpc;
import io.hiro.proto.HeartbeatRequest;
import io.hiro.proto.HeartbeatResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
  private Server server;
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
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aHeartbeatReachesARestartedMasterAtOnceThoughTheLinkFailedWhileItWasDown() throws Exception {
    server = Rpc.startServer("127.0.0.1", 0, List.of(master), RpcSecurity.PLAINTEXT);
    int port = server.getPort();
    link = new GrpcMasterLink(new HostPort("127.0.0.1", port), RpcSecurity.PLAINTEXT);
    HeartbeatRequest heartbeat = HeartbeatRequest.newBuilder().setWorkerId("w1").build();
    link.heartbeat(heartbeat);

    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    // Down for 7 s, heartbeated every 0.1 s. Without the reset, the channel's attempts to connect
    // fail at ~1, ~2.6 and ~5.2 s, and the next is due between 7.4 and 11.1 s (each wait 1.6
    // times the one before, +-20%), well after the restart below.
    long downUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(7);
    int failed = 0;
    while (System.nanoTime() < downUntil) {
      try {
        link.heartbeat(heartbeat);
      } catch (HiroException e) {
        failed++;
      }
      Thread.sleep(100);
    }
    assertThat(failed).as("heartbeats failed while the master was down").isPositive();

    server = Rpc.startServer("127.0.0.1", port, List.of(master), RpcSecurity.PLAINTEXT);
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
