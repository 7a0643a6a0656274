package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Attributes;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.hiro.common.HostPort;
import io.hiro.common.Limits;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.StatusCodes;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.common.security.CallSigner;
import io.hiro.common.security.ClusterSecret;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.ReadPieceRequest;
import io.hiro.proto.StatRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Floods real daemons ({@code bin/hiro} processes on loopback) from another address, 127.0.0.2, as a
 * stranger on the LAN would: many more held connections to every port (gRPC and HTTP) than the bound of
 * one address, silent or stopped halfway through the HTTP/2 preface or an HTTP request; an HTTP/2
 * rapid-reset flood; thousands of calls without the secret; more calls at once on one connection than a
 * server allows. During and after each: every daemon runs, a client with the secret (from 127.0.0.1)
 * puts a file and gets the one stored before within a bounded time, and each daemon's open file
 * descriptors stay under a bound and come back down once the flood is over. The figures are printed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FloodIT {
  /**
   * The strangers, one address per attack (as if from four machines), so that each attack meets the
   * bounds fresh: the rapid resets, refused by the master for want of a credential, cool their address down.
   */
  private static final String HOLDER = "127.0.0.2";
  private static final String RESETTER = "127.0.0.3";
  private static final String CALLER = "127.0.0.4";
  private static final String STREAMER = "127.0.0.5";
  /** Held connections per port: well past the bound of one address. */
  private static final int HELD_PER_PORT = 2 * Limits.CONNECTIONS_PER_ADDRESS_MAX + 32;
  /** Room for what a daemon opens on its own during the test (the client's connections, files, threads). */
  private static final int FD_SLACK = 64;
  /** A put or a get by a client with the secret must finish within this, flood or not. */
  private static final Duration LEGITIMATE_WITHIN = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private static LocalCluster cluster;
  private static Map<String, String> env;
  private static Path original;
  private static final Map<Long, Long> fdsBefore = new ConcurrentHashMap<>();
  private static final Map<Long, Long> fdsPeak = new ConcurrentHashMap<>();
  private static Thread fdSampler;
  private static volatile boolean sampling = true;
  private static int connectionsTried;
  private static int callsRefused;
  private static boolean stored;

  @BeforeAll
  static void startCluster() {
    cluster = LocalCluster.start(HiroCli.launcher(), dir.resolve("cluster"), 3, "500ms");
    env = cluster.clientEnvironment();
    original = TestFiles.random(dir, "before.bin", 3 << 20, 20261130L);
    assertLegitimateClientWorks();
    for (long pid : pids()) {
      fdsBefore.put(pid, openFds(pid));
      fdsPeak.put(pid, openFds(pid));
    }
    fdSampler = Thread.ofPlatform().daemon().start(() -> {
      while (sampling) {
        for (long pid : pids()) {
          fdsPeak.merge(pid, openFds(pid), Math::max);
        }
        Thread.onSpinWait();
      }
    });
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
    sampling = false;
    if (fdSampler != null) {
      fdSampler.join();
    }
    if (cluster != null) {
      long closedByBound = 0;
      for (HostPort http : httpPorts()) {
        closedByBound += (long) metric(http, "hiro_grpc_connections_refused_total")
            + (long) metric(http, "hiro_http_connections_refused_total");
      }
      long worst = pids().stream().max((a, b) -> Double.compare(
          (double) fdsPeak.get(a) / fdBound(a), (double) fdsPeak.get(b) / fdBound(b))).orElseThrow();
      System.out.printf("flood on real daemons: %d connections tried, %d closed by the bound, %d calls refused, "
          + "%d daemons crashed, fds peak %d (bound %d)%n", connectionsTried, closedByBound, callsRefused,
          crashedDaemons(), fdsPeak.get(worst), fdBound(worst));
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void heldConnectionsPastTheBoundAreClosedAtOnceAndTheRestWhenTheyStall() throws IOException {
    Map<HostPort, List<SocketChannel>> held = new LinkedHashMap<>();
    try {
      byte[] halfPreface = "PRI * HTTP/2.0\r\n".getBytes(StandardCharsets.US_ASCII);
      byte[] halfRequest = "GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII);
      for (HostPort port : grpcPorts()) {
        held.put(port, holdMany(port, halfPreface));
      }
      for (HostPort port : httpPorts()) {
        held.put(port, holdMany(port, halfRequest));
      }
      // Those past the bound are closed at once, long before the handshake timeout.
      await().atMost(Duration.ofSeconds(Limits.HANDSHAKE_TIMEOUT_SECONDS / 2)).pollInterval(Duration.ofMillis(100))
          .untilAsserted(() -> held.forEach((port, channels) -> assertThat(closedByPeer(channels))
              .as("connections to %s closed of %d held", port, channels.size())
              .isGreaterThanOrEqualTo(HELD_PER_PORT - Limits.CONNECTIONS_PER_ADDRESS_MAX)));
      assertLegitimateClientWorks();
      assertFdsUnderTheirBound();
      // The rest never finish their handshake or request: closed when their time is up.
      await().atMost(Duration.ofSeconds(Limits.HANDSHAKE_TIMEOUT_SECONDS + 15)).pollInterval(Duration.ofMillis(250))
          .untilAsserted(() -> held.forEach((port, channels) -> assertThat(channels.size() - closedByPeer(channels))
              .as("connections to %s still open, of %d held", port, channels.size()).isZero()));
    } finally {
      for (SocketChannel channel : held.values().stream().flatMap(List::stream).toList()) {
        channel.close();
      }
    }
    assertFdsComeBackDown();
    assertLegitimateClientWorks();
  }

  /** {@link #HELD_PER_PORT} connections to {@code port}: every other one sends {@code half} and stops, the rest nothing. */
  private static List<SocketChannel> holdMany(HostPort port, byte[] half) throws IOException {
    List<SocketChannel> channels = new ArrayList<>();
    for (int i = 0; i < HELD_PER_PORT; i++) {
      channels.add(hold(port, i % 2 == 0 ? new byte[0] : half));
    }
    return channels;
  }

  @Test
  @Order(2)
  void aRapidResetFloodGetsItsConnectionClosed() throws IOException {
    List<HostPort> targets = List.of(cluster.masterAddress(), cluster.workerAddress(0));
    List<String> methods = List.of(NamespaceServiceGrpc.getStatMethod().getFullMethodName(),
        DataServiceGrpc.getWritePieceMethod().getFullMethodName());
    int streamsPerConnection = 4 * Limits.RESETS_PER_WINDOW_MAX;
    for (int t = 0; t < targets.size(); t++) {
      for (int attempt = 0; attempt < 3; attempt++) {
        try (RawHttp2 connection = RawHttp2.open(RESETTER, "127.0.0.1", targets.get(t).port(), true)) {
          connectionsTried++;
          try {
            for (int stream = 1; stream < 2 * streamsPerConnection; stream += 2) {
              connection.write(RawHttp2.callHeaders(stream, methods.get(t)));
              connection.write(RawHttp2.reset(stream, RawHttp2.CANCEL));
            }
            connection.flush();
          } catch (IOException closedWhileWriting) {
            // the daemon closed it before the flood was all written: what the bound is for
          }
          List<RawHttp2.Frame> answer = connection.readUntil(RawHttp2.GOAWAY);
          assertThat(answer).as("frames from %s after %d rapid resets", targets.get(t), streamsPerConnection)
              .anyMatch(f -> f.type() == RawHttp2.GOAWAY && f.errorCode() == RawHttp2.ENHANCE_YOUR_CALM);
        }
      }
    }
    assertThat(crashedDaemons()).isZero();
    assertLegitimateClientWorks();
  }

  @Test
  @Order(3)
  void aBurstOfCallsWithoutTheSecretCoolsTheirAddressDown() {
    ManagedChannel master = strangerChannel(CALLER, cluster.masterAddress(), RpcSecurity.PLAINTEXT);
    ManagedChannel worker = strangerChannel(CALLER, cluster.workerAddress(0), RpcSecurity.PLAINTEXT);
    try {
      Map<Status.Code, Integer> atMaster = burst(3_000, () -> NamespaceServiceGrpc.newBlockingStub(master)
          .withDeadlineAfter(30, TimeUnit.SECONDS).stat(StatRequest.newBuilder().setPath("/before.bin").build()));
      Map<Status.Code, Integer> atWorker = burst(1_000, () -> DataServiceGrpc.newBlockingStub(worker)
          .withDeadlineAfter(30, TimeUnit.SECONDS).readPiece(ReadPieceRequest.newBuilder().setPieceId(1).build())
          .forEachRemaining(m -> {}));
      for (Map<Status.Code, Integer> codes : List.of(atMaster, atWorker)) {
        assertThat(codes).containsOnlyKeys(Status.Code.PERMISSION_DENIED, Status.Code.RESOURCE_EXHAUSTED);
        // Past the bound, calls in flight when the cooldown started may still be checked: at most BURST_WIDE more.
        assertThat(codes.get(Status.Code.PERMISSION_DENIED)).isBetween(Limits.REFUSALS_PER_WINDOW_MAX + 1,
            Limits.REFUSALS_PER_WINDOW_MAX + 1 + BURST_WIDE);
        callsRefused += codes.values().stream().mapToInt(Integer::intValue).sum();
      }
      assertThat(cooldownWarnings(cluster.masterDataDir())).isEqualTo(1);
      // The cooldown is the stranger's address only: the client with the secret is not slowed.
      assertLegitimateClientWorks();
      ManagedChannel signed = strangerChannel(CALLER, cluster.masterAddress(),
          RpcSecurity.PLAINTEXT.signedBy(CallSigner.forCluster(ClusterSecret.load(cluster.secretFile()))));
      try {
        await().atMost(Duration.ofSeconds(Limits.REFUSAL_COOLDOWN_SECONDS + 10)).pollInterval(Duration.ofMillis(500))
            .until(() -> StatusCodes.of(() -> NamespaceServiceGrpc.newBlockingStub(signed)
                .withDeadlineAfter(10, TimeUnit.SECONDS).stat(StatRequest.newBuilder().setPath("/before.bin")
                    .build())) == Status.Code.OK);
      } finally {
        Rpc.shutdown(signed);
      }
    } finally {
      Rpc.shutdown(master);
      Rpc.shutdown(worker);
    }
    assertThat(crashedDaemons()).isZero();
  }

  @Test
  @Order(4)
  void moreCallsAtOnceOnOneConnectionThanAllowedAreRefused() throws IOException {
    for (boolean ackSettings : List.of(true, false)) {
      int refused = refusedOfTooManyStreams(ackSettings);
      assertThat(refused).as("streams refused (settings %s)", ackSettings ? "acknowledged" : "never acknowledged")
          .isEqualTo(STREAMS_AT_ONCE - Limits.CALLS_PER_CONNECTION_MAX);
      callsRefused += refused;
    }
    assertLegitimateClientWorks();
    assertFdsComeBackDown();
  }

  private static final int STREAMS_AT_ONCE = Limits.CALLS_PER_CONNECTION_MAX + 64;

  /** Opens more WritePiece streams at once on one connection than a server allows; how many it refused. */
  private static int refusedOfTooManyStreams(boolean ackSettings) throws IOException {
    String writePiece = DataServiceGrpc.getWritePieceMethod().getFullMethodName();
    try (RawHttp2 connection = RawHttp2.open(STREAMER, "127.0.0.1", cluster.workerAddress(1).port(), ackSettings)) {
      connectionsTried++;
      // WritePiece streams that never send their header: each stays open until the idle cut (60 s).
      for (int i = 0; i < STREAMS_AT_ONCE; i++) {
        connection.write(RawHttp2.callHeaders(2 * i + 1, writePiece));
      }
      connection.flush();
      int refused = 0;
      try {
        while (refused < STREAMS_AT_ONCE - Limits.CALLS_PER_CONNECTION_MAX) {
          RawHttp2.Frame frame = connection.read();
          if (frame.type() == RawHttp2.RST_STREAM && frame.errorCode() == RawHttp2.REFUSED_STREAM) {
            refused++;
          }
        }
      } catch (IOException quiet) {
        // fewer refusals than streams over the bound: the caller's assertion says so
      }
      return refused;
    }
  }

  /** Calls in flight at once in a burst. */
  private static final int BURST_WIDE = 64;

  /** Runs {@code calls} calls, {@link #BURST_WIDE} at a time, and counts their codes. */
  private static Map<Status.Code, Integer> burst(int calls, Runnable call) {
    Map<Status.Code, Integer> codes = new ConcurrentHashMap<>();
    Semaphore wide = new Semaphore(BURST_WIDE);
    CountDownLatch done = new CountDownLatch(calls);
    try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < calls; i++) {
        wide.acquireUninterruptibly();
        threads.execute(() -> {
          try {
            codes.merge(StatusCodes.of(call), 1, Integer::sum);
          } finally {
            wide.release();
            done.countDown();
          }
        });
      }
    }
    assertThat(done.getCount()).isZero();
    return new EnumMap<>(codes);
  }

  /** Puts a file (the first time: the one later read back) and gets the one stored before, as a user would. */
  private static void assertLegitimateClientWorks() {
    long start = System.nanoTime();
    String target = stored ? "/during-" + System.nanoTime() + ".bin" : "/before.bin";
    HiroCli.Result put = HiroCli.run(dir, env, "client", "put", original.toString(), target, "--piece-size", "1MiB");
    assertThat(put.exitCode()).as(put.toString()).isZero();
    stored = true;
    Path back = dir.resolve("back-" + System.nanoTime() + ".bin");
    HiroCli.Result get = HiroCli.run(dir, env, "client", "get", "/before.bin", back.toString());
    assertThat(get.exitCode()).as(get.toString()).isZero();
    assertThat(back).hasSameBinaryContentAs(original);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a put and a get").isLessThan(LEGITIMATE_WITHIN);
    assertThat(crashedDaemons()).isZero();
  }

  private static void assertFdsUnderTheirBound() {
    for (long pid : pids()) {
      assertThat(fdsPeak.get(pid)).as("peak of open fds of pid %d (%d before the flood)", pid, fdsBefore.get(pid))
          .isLessThanOrEqualTo(fdBound(pid));
    }
  }

  private static void assertFdsComeBackDown() {
    assertFdsUnderTheirBound();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      for (long pid : pids()) {
        assertThat(openFds(pid)).as("open fds of pid %d (%d before the flood)", pid, fdsBefore.get(pid))
            .isLessThanOrEqualTo(fdsBefore.get(pid) + FD_SLACK);
      }
    });
  }

  /** What a daemon had before, plus its two ports' worth of one address's connections, plus slack. */
  private static long fdBound(long pid) {
    return fdsBefore.get(pid) + 2L * Limits.CONNECTIONS_PER_ADDRESS_MAX + FD_SLACK;
  }

  private static List<Long> pids() {
    List<Long> pids = new ArrayList<>(List.of(cluster.masterPid()));
    for (int w = 0; w < cluster.workerCount(); w++) {
      pids.add(cluster.workerPid(w));
    }
    return pids;
  }

  private static long openFds(long pid) {
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return fds.count();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0; // the process is gone: crashedDaemons() says so
    }
  }

  private static List<HostPort> grpcPorts() {
    List<HostPort> ports = new ArrayList<>(List.of(cluster.masterAddress()));
    for (int w = 0; w < cluster.workerCount(); w++) {
      ports.add(cluster.workerAddress(w));
    }
    return ports;
  }

  private static List<HostPort> httpPorts() {
    List<HostPort> ports = new ArrayList<>(List.of(cluster.masterHttpAddress()));
    for (int w = 0; w < cluster.workerCount(); w++) {
      ports.add(cluster.workerHttpAddress(w));
    }
    return ports;
  }

  /** A connection from the holder's address to {@code port}, having sent {@code first}. */
  private static SocketChannel hold(HostPort port, byte[] first) throws IOException {
    SocketChannel channel = SocketChannel.open();
    channel.bind(new InetSocketAddress(HOLDER, 0));
    channel.connect(new InetSocketAddress(port.host(), port.port()));
    connectionsTried++;
    try {
      channel.write(ByteBuffer.wrap(first));
    } catch (IOException closedAlready) {
      // refused by the bound before we wrote: counted as closed below
    }
    channel.configureBlocking(false);
    return channel;
  }

  /** How many of {@code channels} the daemons closed (end of stream or reset); reads what they sent. */
  private static long closedByPeer(List<SocketChannel> channels) {
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    long closed = 0;
    for (SocketChannel channel : channels) {
      try {
        int read;
        do {
          buffer.clear();
          read = channel.read(buffer);
        } while (read > 0);
        closed += read < 0 ? 1 : 0;
      } catch (IOException e) {
        closed++;
      }
    }
    return closed;
  }

  /** A channel whose connections start from {@code from}; signed if {@code security} signs. */
  private static ManagedChannel strangerChannel(String from, HostPort to, RpcSecurity security) {
    ChannelCredentials credentials = security.callCredentials() == null ? InsecureChannelCredentials.create()
        : CompositeChannelCredentials.create(InsecureChannelCredentials.create(), security.callCredentials());
    return NettyChannelBuilder.forAddress(to.host(), to.port(), credentials)
        .localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
          @Override
          public SocketAddress createSocketAddress(SocketAddress remote, Attributes attributes) {
            return new InetSocketAddress(from, 0);
          }
        }).build();
  }

  private static long cooldownWarnings(Path dataDir) {
    try (Stream<Path> logs = Files.list(dataDir.resolve("logs"))) {
      long lines = 0;
      for (Path log : logs.toList()) {
        lines += Files.readAllLines(log).stream().filter(l -> l.contains("calls from " + CALLER + " refused"))
            .count();
      }
      return lines;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static double metric(HostPort http, String sample) {
    try {
      return PrometheusText.scrape("http://" + http + "/metrics").value(sample);
    } catch (Exception e) {
      throw new AssertionError("cannot scrape " + http, e);
    }
  }

  private static int crashedDaemons() {
    return cluster.daemonsNotRunning();
  }
}
