package io.hiro.client.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.hiro.common.HostPort;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.FileStatus;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.StatRequest;
import io.hiro.proto.StatResponse;
import java.util.List;
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
  private Server server;
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
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aStatReachesARestartedMasterAtOnceThoughTheChannelBackedOffWhileItWasDown() throws Exception {
    server = Rpc.startServer("127.0.0.1", 0, List.of(master), RpcSecurity.PLAINTEXT);
    int port = server.getPort();
    channel = Rpc.channel(new HostPort("127.0.0.1", port), RpcSecurity.PLAINTEXT);
    MasterCalls calls = new MasterCalls(channel, "master 127.0.0.1:" + port);
    assertThat(calls.stat("/before", false).getFile().getPath()).isEqualTo("/before");

    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    // Down for 7 s, called directly (not through MasterCalls) so that nothing resets the backoff:
    // the channel's attempts to connect fail at ~1, ~2.6 and ~5.2 s, and the next is due between
    // 7.4 and 11.1 s (each wait 1.6 times the one before, +-20%).
    long downUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(7);
    int refused = 0;
    while (System.nanoTime() < downUntil) {
      try {
        NamespaceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
            .stat(StatRequest.newBuilder().setPath("/down").build());
      } catch (StatusRuntimeException e) {
        refused++;
      }
      Thread.sleep(100);
    }
    assertThat(refused).as("calls refused while the master was down").isPositive();

    server = Rpc.startServer("127.0.0.1", port, List.of(master), RpcSecurity.PLAINTEXT);
    // Within the idempotent call's own retries (0.6 s of pauses), well before the channel's next attempt.
    StatResponse answer = calls.stat("/after", false);

    assertThat(answer.getFile().getPath()).isEqualTo("/after");
  }
}
