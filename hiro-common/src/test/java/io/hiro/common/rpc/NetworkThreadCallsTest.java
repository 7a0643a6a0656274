package io.hiro.common.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.hiro.common.HostPort;
import io.hiro.common.guard.EndpointGuards;
import io.hiro.common.security.CallSigner;
import io.hiro.common.security.CallVerifier;
import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.ReplayCache;
import io.hiro.common.security.Role;
import io.hiro.proto.MkdirRequest;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.StatRequest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where {@link Rpc#startServer(String, int, List, RpcSecurity, EndpointGuards, Set)} runs a call,
 * through a real Netty server on loopback with the master's credential check in front.
 */
@Timeout(60)
class NetworkThreadCallsTest {
  private final ClusterSecret secret = ClusterSecret.generate(new SecureRandom());
  private final StubNamespaceService service = new StubNamespaceService();
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      Rpc.shutdown(channel);
    }
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void aNetworkThreadMethodRunsOnTheNetworkThreadAfterTheCredentialCheckAndTheOthersOnVirtualThreads() {
    NamespaceServiceGrpc.NamespaceServiceBlockingStub master = start(Set.of(StubNamespaceService.STAT));

    master.stat(StatRequest.newBuilder().setPath("/").build());
    master.mkdir(MkdirRequest.newBuilder().setPath("/a").build());
    master.stat(StatRequest.newBuilder().setPath("/").build());

    assertThat(service.roles).as("the credential was checked for every call").containsOnly(Optional.of(Role.CLUSTER));
    assertThat(service.threads).hasSize(3);
    for (int stat : new int[] {0, 2}) {
      assertThat(service.threads.get(stat).isVirtual()).as("stat %d on a virtual thread", stat).isFalse();
      assertThat(service.threads.get(stat).getName()).startsWith("hiro-network");
    }
    assertThat(service.threads.get(1).isVirtual()).as("mkdir on a virtual thread").isTrue();
  }

  @Test
  void withoutNetworkThreadMethodsEveryCallRunsOnAVirtualThread() {
    NamespaceServiceGrpc.NamespaceServiceBlockingStub master = start(Set.of());

    master.stat(StatRequest.newBuilder().setPath("/").build());
    master.mkdir(MkdirRequest.newBuilder().setPath("/a").build());

    assertThat(service.threads).hasSize(2).allMatch(Thread::isVirtual);
  }

  private NamespaceServiceGrpc.NamespaceServiceBlockingStub start(Set<String> networkThreadMethods) {
    AuthInterceptor auth = new AuthInterceptor("master", new CallVerifier(secret, CallVerifier.WINDOW_DEFAULT),
        Set.of(StubNamespaceService.STAT), ReplayCache.forCallWindow(), Clock.systemUTC());
    server = Rpc.startServer("127.0.0.1", 0, List.<BindableService>of(service),
        RpcSecurity.PLAINTEXT.withInterceptors(auth), EndpointGuards.defaults("master", Clock.systemUTC()),
        networkThreadMethods);
    channel = Rpc.channel(new HostPort("127.0.0.1", server.getPort()),
        RpcSecurity.PLAINTEXT.withCallCredentials(new SignedCallCredentials(CallSigner.forCluster(secret),
            Clock.systemUTC())));
    return NamespaceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }
}
