package io.hiro.common.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.BindableService;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.HostPort;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** Call credentials through a real Netty server on loopback, as the master will run them. */
@Timeout(60)
class AuthInterceptorTest {
  private final ClusterSecret secret = ClusterSecret.generate(new SecureRandom());
  private final StubNamespaceService service = new StubNamespaceService();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void startMaster() {
    AuthInterceptor interceptor = new AuthInterceptor("master", new CallVerifier(secret, CallVerifier.WINDOW_DEFAULT),
        Set.of(StubNamespaceService.STAT), ReplayCache.forCallWindow(), Clock.systemUTC());
    server = Rpc.startServer("127.0.0.1", 0, List.<BindableService>of(service),
        RpcSecurity.PLAINTEXT.withInterceptors(interceptor));
    log.start();
    ((Logger) LoggerFactory.getLogger(AuthInterceptor.class)).addAppender(log);
  }

  @AfterEach
  void stop() throws InterruptedException {
    ((Logger) LoggerFactory.getLogger(AuthInterceptor.class)).detachAppender(log);
    if (channel != null) {
      Rpc.shutdown(channel);
    }
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void aClusterCallerMayStatAndChange() {
    NamespaceServiceGrpc.NamespaceServiceBlockingStub master = stub(CallSigner.forCluster(secret), Clock.systemUTC());
    master.stat(StatRequest.newBuilder().setPath("/").build());
    master.mkdir(MkdirRequest.newBuilder().setPath("/a").build());
    assertThat(service.roles).containsExactly(Optional.of(Role.CLUSTER), Optional.of(Role.CLUSTER));
  }

  @Test
  void aReadOnlyCallerMayStatButNotChange() {
    NamespaceServiceGrpc.NamespaceServiceBlockingStub master =
        stub(CallSigner.forReadOnly(secret.readOnlyCredential()), Clock.systemUTC());
    master.stat(StatRequest.newBuilder().setPath("/").build());
    assertThat(service.roles).containsExactly(Optional.of(Role.READ_ONLY));

    HiroException refused = refusal(() -> master.mkdir(MkdirRequest.newBuilder().setPath("/a").build()));
    assertThat(refused.getMessage()).contains("read-only credential").contains("Mkdir").doesNotContain("\n");
    assertThat(service.roles).as("the service never saw the refused call").hasSize(1);
  }

  @Test
  void aCallWithoutCredentialIsRefusedAndLoggedWithThePeer() {
    channel = Rpc.channel(new HostPort("127.0.0.1", server.getPort()));
    NamespaceServiceGrpc.NamespaceServiceBlockingStub master =
        NamespaceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);

    HiroException refused = refusal(() -> master.stat(StatRequest.newBuilder().setPath("/").build()));

    assertThat(refused.getMessage()).contains("no credential").contains("--secret-file");
    assertThat(service.roles).isEmpty();
    assertThat(log.list).singleElement().satisfies(event -> {
      assertThat(event.getLevel().toString()).isEqualTo("WARN");
      assertThat(event.getFormattedMessage()).startsWith("master: refused hiro.v1.NamespaceService/Stat from /127.0.0.1:")
          .contains("no credential");
    });
  }

  @Test
  void aCallerWithAnotherSecretIsRefusedAndTheLogShowsNoCredential() {
    NamespaceServiceGrpc.NamespaceServiceBlockingStub master =
        stub(CallSigner.forCluster(ClusterSecret.generate(new SecureRandom())), Clock.systemUTC());

    HiroException refused = refusal(() -> master.stat(StatRequest.newBuilder().setPath("/").build()));

    assertThat(refused.getMessage()).contains("bad signature");
    assertThat(log.list).singleElement().satisfies(event ->
        assertThat(event.getFormattedMessage()).contains("bad signature").doesNotContainPattern("v1\\.cluster\\.\\d+"));
  }

  @Test
  void aCallerWhoseClockIsTenMinutesBehindIsRefused() {
    Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10));
    HiroException refused = refusal(() -> stub(CallSigner.forCluster(secret), behind)
        .stat(StatRequest.newBuilder().setPath("/").build()));
    assertThat(refused.getMessage()).contains("behind the master's clock");
  }

  @Test
  void aCapturedCredentialOfACallThatChangesStateIsRefusedWhenSentAgain() {
    String captured = CallSigner.forCluster(secret).sign(StubNamespaceService.MKDIR, Instant.now());
    NamespaceServiceGrpc.NamespaceServiceBlockingStub replayer = replaying(captured);
    replayer.mkdir(MkdirRequest.newBuilder().setPath("/x").build());

    HiroException refused = refusal(() -> replayer.mkdir(MkdirRequest.newBuilder().setPath("/x").build()));

    assertThat(refused.getMessage()).contains("credential already used");
    assertThat(service.roles).as("the service saw the first call only").hasSize(1);
    assertThat(log.list).singleElement().satisfies(event -> assertThat(event.getFormattedMessage())
        .startsWith("master: refused hiro.v1.NamespaceService/Mkdir from /127.0.0.1:").contains("already used"));
  }

  @Test
  void aCallThatChangesNothingIsNotReplayChecked() {
    String captured = CallSigner.forCluster(secret).sign(StubNamespaceService.STAT, Instant.now());
    NamespaceServiceGrpc.NamespaceServiceBlockingStub replayer = replaying(captured);

    replayer.stat(StatRequest.newBuilder().setPath("/").build());
    replayer.stat(StatRequest.newBuilder().setPath("/").build());

    assertThat(service.roles).hasSize(2);
  }

  @Test
  void eachCallOfAClientSignsAFreshCredentialSoNoneIsTakenForAReplay() {
    NamespaceServiceGrpc.NamespaceServiceBlockingStub master = stub(CallSigner.forCluster(secret), Clock.systemUTC());
    for (int i = 0; i < 100; i++) {
      master.mkdir(MkdirRequest.newBuilder().setPath("/a" + i).build());
    }
    assertThat(service.roles).hasSize(100);
  }

  /** A stub that sends {@code credential} with every call, as one who captured it would. */
  private NamespaceServiceGrpc.NamespaceServiceBlockingStub replaying(String credential) {
    channel = Rpc.channel(new HostPort("127.0.0.1", server.getPort()),
        RpcSecurity.PLAINTEXT.withCallCredentials(new CallCredentials() {
          @Override
          public void applyRequestMetadata(RequestInfo request, Executor executor, MetadataApplier applier) {
            Metadata headers = new Metadata();
            headers.put(SignedCallCredentials.HEADER, credential);
            applier.apply(headers);
          }
        }));
    return NamespaceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private NamespaceServiceGrpc.NamespaceServiceBlockingStub stub(CallSigner signer, Clock clock) {
    channel = Rpc.channel(new HostPort("127.0.0.1", server.getPort()),
        RpcSecurity.PLAINTEXT.withCallCredentials(new SignedCallCredentials(signer, clock)));
    return NamespaceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** Asserts the call was refused with PERMISSION_DENIED and returns it as the CLI would see it. */
  private static HiroException refusal(Runnable call) {
    Throwable thrown = catchThrowable(call::run);
    assertThat(thrown).isInstanceOf(StatusRuntimeException.class);
    assertThat(Status.fromThrowable(thrown).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    HiroException hiro = StatusMapping.fromGrpc(thrown, "master 127.0.0.1");
    assertThat(hiro.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    return hiro;
  }
}
