package io.hiro.client.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.hiro.common.rpc.MasterOutage;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.FileStatus;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.StatRequest;
import io.hiro.proto.StatResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that outlives its master's restart reaches the master as soon as it is back. While the
 * master is down, gRPC's channel waits longer and longer between its attempts to connect (1 s, then
 * 1.6 times more each time), and fails calls at once meanwhile; without a reset, a master back after
 * a few seconds stays unreachable to that channel for seconds more (session 36: MasterCrashIT's
 * long-lived client failed a get that way after the master's second restart).
 */
@Timeout(60)
class MasterReconnectTest {
  private MasterOutage outage;
  private ManagedChannel channel;

  private final BindableService master = new NamespaceServiceGrpc.NamespaceServiceImplBase() {
    @Override
    public void stat(StatRequest request, StreamObserver<StatResponse> responses) {
      responses.onNext(StatResponse.newBuilder().setFile(FileStatus.newBuilder().setPath(request.getPath())).build());
      responses.onCompleted();
    }
  };

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      Rpc.shutdown(channel);
    }
    if (outage != null) {
      outage.close();
    }
  }

  @Test
  void aStatReachesARestartedMasterAtOnceThoughTheChannelBackedOffWhileItWasDown() throws Exception {
    outage = new MasterOutage(master);
    channel = Rpc.channel(outage.address(), RpcSecurity.PLAINTEXT);
    MasterCalls calls = new MasterCalls(channel, "master " + outage.address());
    assertThat(calls.stat("/before", false).getFile().getPath()).isEqualTo("/before");

    // Called directly while it is down (not through MasterCalls), so that nothing resets the backoff.
    int refused = outage.downWhile(() -> NamespaceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(1, TimeUnit.SECONDS).stat(StatRequest.newBuilder().setPath("/down").build()));
    assertThat(refused).as("calls refused while the master was down").isPositive();

    // Within the idempotent call's own retries (0.6 s of pauses), well before the channel's next attempt.
    StatResponse answer = calls.stat("/after", false);

    assertThat(answer.getFile().getPath()).isEqualTo("/after");
  }
}
