package io.hiro.common.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.Attributes;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.hiro.common.Limits;
import io.hiro.common.guard.EndpointGuards;
import io.hiro.common.security.CallSigner;
import io.hiro.common.security.CallVerifier;
import io.hiro.common.security.ReplayCache;
import io.hiro.common.security.ClusterSecret;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.StatRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The bounds of {@link Rpc#startServer(String, int, List, RpcSecurity, EndpointGuards)} on a real Netty
 * server on loopback, with strangers on other loopback addresses (127.0.0.2, ...; Linux routes all of
 * 127/8 to the loopback interface).
 */
@Timeout(60)
class ServerGuardsTest {
  private static final int PER_ADDRESS = 3;
  private static final int TOTAL = 5;
  private final ClusterSecret secret = ClusterSecret.generate(new SecureRandom());
  private final EndpointGuards guards = EndpointGuards.of("master", Clock.systemUTC(), PER_ADDRESS, TOTAL);
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final List<Socket> sockets = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private Server server;

  @BeforeEach
  void startServer() {
    AuthInterceptor auth = new AuthInterceptor("master", new CallVerifier(secret, CallVerifier.WINDOW_DEFAULT),
        Set.of(), ReplayCache.forCallWindow(), Clock.systemUTC());
    server = Rpc.startServer("127.0.0.1", 0, List.<BindableService>of(new StubNamespaceService()),
        RpcSecurity.PLAINTEXT.withInterceptors(auth), guards);
    log.start();
    ((Logger) LoggerFactory.getLogger(RefusalCooldownInterceptor.class)).addAppender(log);
    ((Logger) LoggerFactory.getLogger(ConnectionGate.class)).addAppender(log);
  }

  @AfterEach
  void stop() throws InterruptedException, IOException {
    ((Logger) LoggerFactory.getLogger(RefusalCooldownInterceptor.class)).detachAppender(log);
    ((Logger) LoggerFactory.getLogger(ConnectionGate.class)).detachAppender(log);
    channels.forEach(Rpc::shutdown);
    for (Socket socket : sockets) {
      socket.close();
    }
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void connectionsOverTheBoundOfOneAddressAreClosedAtOnceAndOthersStillGetIn() throws IOException {
    List<Socket> stranger = connect("127.0.0.2", PER_ADDRESS + 4);
    await().atMost(Duration.ofSeconds(10)).until(() -> guards.grpcConnections().refused() == 4);
    assertThat(stranger.stream().filter(ServerGuardsTest::closedByPeer).count()).isEqualTo(4);
    assertThat(guards.grpcConnections().open()).isEqualTo(PER_ADDRESS);
    assertThat(signedStat("127.0.0.1")).isEqualTo(Status.Code.OK);
    assertThat(log.list).filteredOn(e -> e.getFormattedMessage().contains("from 127.0.0.2")).hasSize(1);
  }

  @Test
  void connectionsOverTheTotalBoundAreClosedWhateverTheirAddress() throws IOException {
    connect("127.0.0.2", PER_ADDRESS);
    connect("127.0.0.3", PER_ADDRESS);
    await().atMost(Duration.ofSeconds(10)).until(() -> guards.grpcConnections().refused() == 1);
    assertThat(guards.grpcConnections().open()).isEqualTo(TOTAL);
    assertThat(signedStat("127.0.0.4")).isEqualTo(Status.Code.UNAVAILABLE);
    sockets.getFirst().close();
    await().atMost(Duration.ofSeconds(10)).until(() -> guards.grpcConnections().open() == TOTAL - 1);
    assertThat(signedStat("127.0.0.4")).isEqualTo(Status.Code.OK);
  }

  @Test
  void anAddressRefusedTooOftenIsRefusedCheaplyAndOthersAreNot() {
    Map<Status.Code, Integer> codes = new EnumMap<>(Status.Code.class);
    NamespaceServiceGrpc.NamespaceServiceBlockingStub stranger = NamespaceServiceGrpc.newBlockingStub(
        channel("127.0.0.2", RpcSecurity.PLAINTEXT));
    for (int i = 0; i < 300; i++) {
      codes.merge(StatusCodes.of(() -> stranger.withDeadlineAfter(10, TimeUnit.SECONDS).stat(StatRequest.getDefaultInstance())),
          1, Integer::sum);
    }
    assertThat(codes).containsOnlyKeys(Status.Code.PERMISSION_DENIED, Status.Code.RESOURCE_EXHAUSTED);
    assertThat(codes.get(Status.Code.PERMISSION_DENIED)).isEqualTo(Limits.REFUSALS_PER_WINDOW_MAX + 1);
    assertThat(guards.refusals().refusedCoolingDown()).isEqualTo(300 - Limits.REFUSALS_PER_WINDOW_MAX - 1);
    assertThat(log.list).filteredOn(e -> e.getFormattedMessage().contains("calls from 127.0.0.2 refused")).hasSize(1);
    // A caller with the secret on another address is not slowed, nor is the same address with it.
    NamespaceServiceGrpc.NamespaceServiceBlockingStub member = NamespaceServiceGrpc.newBlockingStub(
        channel("127.0.0.1", RpcSecurity.PLAINTEXT.signedBy(CallSigner.forCluster(secret))));
    for (int i = 0; i < 100; i++) {
      assertThat(StatusCodes.of(() -> member.withDeadlineAfter(10, TimeUnit.SECONDS).stat(StatRequest.newBuilder()
          .setPath("/").build()))).isEqualTo(Status.Code.OK);
    }
    assertThat(signedStat("127.0.0.2")).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
  }

  private Status.Code signedStat(String from) {
    ManagedChannel channel = channel(from, RpcSecurity.PLAINTEXT.signedBy(CallSigner.forCluster(secret)));
    return StatusCodes.of(() -> NamespaceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .stat(StatRequest.newBuilder().setPath("/").build()));
  }

  /** A channel to the server whose connections start from {@code from}. */
  private ManagedChannel channel(String from, RpcSecurity security) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort(), security.channelCredentials())
        .localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
          @Override
          public SocketAddress createSocketAddress(SocketAddress remote, Attributes attributes) {
            return new InetSocketAddress(from, 0);
          }
        }).build();
    channels.add(channel);
    return channel;
  }

  private List<Socket> connect(String from, int count) throws IOException {
    List<Socket> opened = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Socket socket = new Socket();
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", server.getPort()), 5_000);
      opened.add(socket);
      sockets.add(socket);
    }
    return opened;
  }

  /** Whether the server closed {@code socket} (end of stream or reset); a socket still open times out. */
  private static boolean closedByPeer(Socket socket) {
    try {
      socket.setSoTimeout(200);
      InputStream in = socket.getInputStream();
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
