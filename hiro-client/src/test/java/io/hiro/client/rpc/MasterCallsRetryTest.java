package io.hiro.client.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.hiro.common.HostPort;
import io.hiro.common.rpc.AuthInterceptor;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.common.security.CallCredentialFormat;
import io.hiro.common.security.CallSigner;
import io.hiro.common.security.CallVerifier;
import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.ReplayCache;
import io.hiro.proto.FileStatus;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.StatRequest;
import io.hiro.proto.StatResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A retried call is a new call with a credential of its own: each attempt signs a fresh nonce, so a
 * master that remembers credentials against replay takes every attempt (here even for Stat, which
 * the real master does not check, as it changes nothing).
 */
@Timeout(30)
class MasterCallsRetryTest {
  private static final Metadata.Key<String> AUTH =
      Metadata.Key.of(CallCredentialFormat.HEADER_NAME, Metadata.ASCII_STRING_MARSHALLER);

  private final ClusterSecret secret = ClusterSecret.generate(new SecureRandom());
  private final List<String> credentials = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger(Rpc.IDEMPOTENT_ATTEMPTS_MAX - 1);
  private final AtomicInteger attemptsServed = new AtomicInteger();
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      Rpc.shutdown(channel);
    }
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  /** Records the credential of every call, before the call check sees it. */
  private final ServerInterceptor recorder = new ServerInterceptor() {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      credentials.add(headers.get(AUTH));
      return next.startCall(call, headers);
    }
  };

  /** Fails the first Stat calls with UNAVAILABLE, as a master restarting would, then answers. */
  private final BindableService flakyMaster = new NamespaceServiceGrpc.NamespaceServiceImplBase() {
    @Override
    public void stat(StatRequest request, StreamObserver<StatResponse> responses) {
      attemptsServed.incrementAndGet();
      if (failuresLeft.getAndDecrement() > 0) {
        responses.onError(Status.UNAVAILABLE.withDescription("master restarting").asRuntimeException());
        return;
      }
      responses.onNext(StatResponse.newBuilder().setFile(FileStatus.newBuilder().setPath(request.getPath())).build());
      responses.onCompleted();
    }
  };

  @Test
  void everyAttemptOfARetriedCallSignsAFreshCredentialAndPassesTheReplayCheck() {
    // Every method replay-checked: none is named as changing nothing. The recorder runs first (added last).
    AuthInterceptor check = new AuthInterceptor("master", new CallVerifier(secret, CallVerifier.WINDOW_DEFAULT),
        Set.of(), ReplayCache.forCallWindow(), Clock.systemUTC());
    server = Rpc.startServer("127.0.0.1", 0, List.of(flakyMaster),
        RpcSecurity.PLAINTEXT.withInterceptors(check, recorder));
    channel = Rpc.channel(new HostPort("127.0.0.1", server.getPort()),
        RpcSecurity.PLAINTEXT.signedBy(CallSigner.forCluster(secret)));

    StatResponse answer = new MasterCalls(channel, "master 127.0.0.1").stat("/a", false);

    assertThat(answer.getFile().getPath()).isEqualTo("/a");
    assertThat(attemptsServed).as("every attempt got past the call check").hasValue(Rpc.IDEMPOTENT_ATTEMPTS_MAX);
    assertThat(credentials).hasSize(Rpc.IDEMPOTENT_ATTEMPTS_MAX).doesNotHaveDuplicates();
  }
}
