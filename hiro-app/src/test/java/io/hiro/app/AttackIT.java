package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.hiro.common.PieceId;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.common.security.CallSigner;
import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.PieceOperation;
import io.hiro.common.security.PieceTokens;
import io.hiro.proto.ClusterServiceGrpc;
import io.hiro.proto.PieceRef;
import io.hiro.proto.ReadPieceRequest;
import io.hiro.proto.RegisterRequest;
import io.hiro.proto.ReplicaReport;
import io.hiro.proto.StatRequest;
import io.hiro.proto.WorkerRef;
import java.time.Duration;
import java.time.Instant;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.hiro.common.HostPort;
import io.hiro.common.rpc.PieceStreams;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.StatusCodes;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.MkdirRequest;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.WholePiece;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
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
 * Plays the attacker against real daemons ({@code bin/hiro} processes on loopback): garbage bytes on
 * every port, oversize messages, path traversal in names, every master call without the cluster
 * secret or with another cluster's, a fake worker registering, and reads and writes of pieces with
 * no token, another piece's, an expired, a tampered, a forged one, or one for another operation. After each attack every daemon must still
 * run, the data dirs must hold exactly the bytes they held before (a file stored before the attacks
 * reads back intact), and the figures are printed: cases tried, refused with the expected code,
 * daemons crashed, bytes changed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AttackIT {
  private static final long SEED = 20261129L;
  /** Past the largest message a daemon accepts (io.hiro.common.Limits.GRPC_MESSAGE_MAX_BYTES, 8 MiB). */
  private static final int OVERSIZE_BYTES = 9 << 20;

  @TempDir static Path dir;
  private static LocalCluster cluster;
  private static Map<String, String> env;
  private static Path original;
  private static String dataBefore;
  private static int tried;
  private static int refusedAsExpected;

  @BeforeAll
  static void startCluster() {
    cluster = LocalCluster.start(HiroCli.launcher(), dir.resolve("cluster"), 3, "500ms");
    env = cluster.clientEnvironment();
    original = TestFiles.random(dir, "before.bin", 3 << 20, SEED);
    HiroCli.Result put = HiroCli.run(dir, env, "client", "put", original.toString(), "/before.bin",
        "--piece-size", "1MiB");
    assertThat(put.exitCode()).as(put.toString()).isZero();
    dataBefore = dataDigest();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      System.out.printf("attacks on real daemons: %d cases tried, %d refused with the expected code, "
          + "%d daemons crashed, data dirs %s%n", tried, refusedAsExpected, crashedDaemons(),
          dataBefore != null && dataBefore.equals(dataDigest()) ? "unchanged (0 bytes changed)" : "CHANGED");
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void garbageBytesOnEveryPortCrashNothing() throws IOException {
    SplittableRandom random = new SplittableRandom(SEED);
    List<HostPort> ports = new ArrayList<>(List.of(cluster.masterAddress()));
    for (int w = 0; w < cluster.workerCount(); w++) {
      ports.add(cluster.workerAddress(w));
    }
    // Every port at once (a quiet daemon holds each connection for the 2 s read timeout), its payloads in turn.
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    int payloadCount = 0;
    for (HostPort port : ports) {
      List<byte[]> payloads = garbage(random);
      payloadCount += payloads.size();
      sent.add(CompletableFuture.runAsync(() -> {
        for (byte[] payload : payloads) {
          try {
            sendAndClose(port, payload);
          } catch (IOException e) {
            throw new UncheckedIOException(port + ": " + e.getMessage(), e);
          }
        }
      }, Thread::startVirtualThread));
    }
    sent.forEach(CompletableFuture::join);
    tried += payloadCount;
    refusedAsExpected += payloadCount; // a connection the daemon drops is the expected refusal
    assertThat(crashedDaemons()).isZero();
    assertStillServesTheFileStoredBefore();
  }

  @Test
  @Order(2)
  void oversizeMessagesAreRefusedAndChangeNothing() {
    // Signed with the cluster's own secret and a good token: the size limit, not the signature, refuses them.
    ManagedChannel master = Rpc.channel(cluster.masterAddress(), RpcSecurity.PLAINTEXT.signedBy(CallSigner.forCluster(
        secret())));
    ManagedChannel worker = Rpc.channel(cluster.workerAddress(0));
    try {
      Status.Code mkdir = StatusCodes.of(() -> NamespaceServiceGrpc.newBlockingStub(master)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .mkdir(MkdirRequest.newBuilder().setPath("/" + "a".repeat(OVERSIZE_BYTES)).build()));
      expect(mkdir, Status.Code.RESOURCE_EXHAUSTED);
      Status.Code write = oversizeWrite(worker);
      expect(write, Status.Code.RESOURCE_EXHAUSTED);
      expect(oversizeWholeWrite(worker), Status.Code.RESOURCE_EXHAUSTED);
    } finally {
      Rpc.shutdown(master);
      Rpc.shutdown(worker);
    }
    assertThat(crashedDaemons()).isZero();
    assertThat(dataDigest()).isEqualTo(dataBefore);
  }

  @Test
  @Order(3)
  void pathTraversalInNamesIsRefusedAndReachesNoDisk() throws IOException {
    for (String path : List.of("/../escape.bin", "/a/../../escape.bin", "../escape.bin", "/a/./b", "//double",
        "/nul\u0001name", "/" + "x".repeat(5_000))) {
      HiroCli.Result put = HiroCli.run(dir, env, "client", "put", original.toString(), path);
      tried++;
      assertThat(put.exitCode()).as("put to %s: %s", path, put).isEqualTo(3);
      refusedAsExpected++;
      HiroCli.Result mkdir = HiroCli.run(dir, env, "client", "mkdir", path);
      tried++;
      assertThat(mkdir.exitCode()).as("mkdir %s: %s", path, mkdir).isEqualTo(3);
      refusedAsExpected++;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(f -> f.getFileName().toString().startsWith("escape"))).isEmpty();
    }
    assertThat(dataDigest()).isEqualTo(dataBefore);
    assertStillServesTheFileStoredBefore();
  }

  @Test
  @Order(4)
  void everyMasterCallWithoutTheSecretOrWithAnotherIsRefused() {
    ClusterSecret stranger = ClusterSecret.generate(new java.security.SecureRandom());
    List<ManagedChannel> intruders = List.of(Rpc.channel(cluster.masterAddress()),
        Rpc.channel(cluster.masterAddress(), RpcSecurity.PLAINTEXT.signedBy(CallSigner.forCluster(stranger))));
    try {
      for (ManagedChannel intruder : intruders) {
        List<MethodDescriptor<?, ?>> methods = new ArrayList<>(NamespaceServiceGrpc.getServiceDescriptor().getMethods());
        methods.addAll(ClusterServiceGrpc.getServiceDescriptor().getMethods());
        for (MethodDescriptor<?, ?> method : methods) {
          expect(call(intruder, method), Status.Code.PERMISSION_DENIED);
        }
        // A fake worker: a full registration, claiming the pieces of the file stored before.
        RegisterRequest fake = RegisterRequest.newBuilder().setWorkerId("w-fake").setAddress("127.0.0.1:1")
            .setCapacityBytes(1L << 40).setFreeBytes(1L << 40)
            .addAllReplicas(pieces().stream().map(p -> ReplicaReport.newBuilder().setPieceId(p.getPieceId())
                .setLength(p.getLength()).setCrc32C(p.getCrc32C()).build()).toList()).build();
        expect(StatusCodes.of(() -> ClusterServiceGrpc.newBlockingStub(intruder).withDeadlineAfter(30, TimeUnit.SECONDS)
            .register(fake)), Status.Code.PERMISSION_DENIED);
      }
    } finally {
      intruders.forEach(Rpc::shutdown);
    }
    HiroCli.Result report = HiroCli.run(dir, env, "admin", "report", "--json");
    assertThat(report.stdout()).as(report.toString()).doesNotContain("w-fake");
    assertThat(crashedDaemons()).isZero();
    assertThat(dataDigest()).isEqualTo(dataBefore);
  }

  @Test
  @Order(5)
  void workersServeNothingWithoutAGoodTokenForThatPieceAndThatOperation() {
    List<PieceRef> pieces = pieces();
    assertThat(pieces).hasSizeGreaterThan(1);
    PieceRef piece = pieces.get(0);
    PieceRef other = pieces.get(1);
    ClusterSecret stranger = ClusterSecret.generate(new java.security.SecureRandom());
    Map<String, ByteString> badReadTokens = Map.of(
        "no token", ByteString.EMPTY,
        "another piece's token", other.getToken(),
        "an expired token", token(piece.getPieceId(), PieceOperation.READ, Duration.ofMinutes(-10)),
        "a WRITE token", token(piece.getPieceId(), PieceOperation.WRITE, Duration.ofMinutes(5)),
        "a token signed with another secret", ByteString.copyFrom(new PieceTokens(stranger, Duration.ZERO)
            .issue(new PieceId(piece.getPieceId()), PieceOperation.READ, Instant.now().plusSeconds(300))),
        "a tampered token", tampered(piece.getToken()));
    for (WorkerRef holder : piece.getReplicasList()) {
      ManagedChannel worker = Rpc.channel(HostPort.parse(holder.getAddress()));
      try {
        for (Map.Entry<String, ByteString> bad : badReadTokens.entrySet()) {
          Status.Code read = StatusCodes.of(() -> DataServiceGrpc.newBlockingStub(worker).withDeadlineAfter(30, TimeUnit.SECONDS)
              .readPiece(ReadPieceRequest.newBuilder().setPieceId(piece.getPieceId()).setToken(bad.getValue()).build())
              .forEachRemaining(m -> {}));
          assertThat(read).as("ReadPiece with %s from %s", bad.getKey(), holder.getAddress())
              .isEqualTo(Status.Code.PERMISSION_DENIED);
          tried++;
          refusedAsExpected++;
        }
        // Overwriting a stored piece with a READ token for it.
        expect(writeWithToken(worker, piece.getPieceId(), piece.getToken()), Status.Code.PERMISSION_DENIED);
        // The same in one call (WriteWholePiece), with every bad token for a write.
        Map<String, ByteString> badWriteTokens = Map.of(
            "no token", ByteString.EMPTY,
            "its READ token", piece.getToken(),
            "another piece's WRITE token", token(other.getPieceId(), PieceOperation.WRITE, Duration.ofMinutes(5)),
            "an expired WRITE token", token(piece.getPieceId(), PieceOperation.WRITE, Duration.ofMinutes(-10)),
            "a WRITE token signed with another secret", ByteString.copyFrom(new PieceTokens(stranger, Duration.ZERO)
                .issue(new PieceId(piece.getPieceId()), PieceOperation.WRITE, Instant.now().plusSeconds(300))),
            "a tampered WRITE token", tampered(token(piece.getPieceId(), PieceOperation.WRITE, Duration.ofMinutes(5))));
        for (Map.Entry<String, ByteString> bad : badWriteTokens.entrySet()) {
          assertThat(wholeWriteWithToken(worker, piece.getPieceId(), bad.getValue()))
              .as("WriteWholePiece with %s to %s", bad.getKey(), holder.getAddress())
              .isEqualTo(Status.Code.PERMISSION_DENIED);
          tried++;
          refusedAsExpected++;
        }
        // The piece's own READ token does read it: the refusals above are about the tokens.
        assertThat(StatusCodes.of(() -> DataServiceGrpc.newBlockingStub(worker).withDeadlineAfter(30, TimeUnit.SECONDS)
            .readPiece(ReadPieceRequest.newBuilder().setPieceId(piece.getPieceId()).setToken(piece.getToken()).build())
            .forEachRemaining(m -> {}))).isEqualTo(Status.Code.OK);
      } finally {
        Rpc.shutdown(worker);
      }
    }
    assertThat(crashedDaemons()).isZero();
    assertThat(dataDigest()).isEqualTo(dataBefore);
    assertStillServesTheFileStoredBefore();
  }

  /** The pieces of the file stored before the attacks, with their replicas and read tokens, asked as a client. */
  private static List<PieceRef> pieces() {
    ManagedChannel master = Rpc.channel(cluster.masterAddress(), RpcSecurity.PLAINTEXT.signedBy(CallSigner.forCluster(
        secret())));
    try {
      return NamespaceServiceGrpc.newBlockingStub(master).withDeadlineAfter(30, TimeUnit.SECONDS)
          .stat(StatRequest.newBuilder().setPath("/before.bin").setWithPieces(true).build()).getFile().getPiecesList();
    } finally {
      Rpc.shutdown(master);
    }
  }

  private static ClusterSecret secret() {
    return ClusterSecret.load(cluster.secretFile());
  }

  /** A token as the master would sign it, expiring {@code validFor} from now (negative: already expired). */
  private static ByteString token(long pieceId, PieceOperation operation, Duration validFor) {
    return ByteString.copyFrom(new PieceTokens(secret(), Duration.ZERO)
        .issue(new PieceId(pieceId), operation, Instant.now().plus(validFor)));
  }

  private static ByteString tampered(ByteString token) {
    byte[] bytes = token.toByteArray();
    bytes[bytes.length / 2] ^= 0x01;
    return ByteString.copyFrom(bytes);
  }

  private static Status.Code writeWithToken(ManagedChannel worker, long pieceId, ByteString token) {
    return PieceStreams.send(worker, List.of(
        WritePieceRequest.newBuilder().setHeader(WritePieceHeader.newBuilder().setPieceId(pieceId).setLength(4)
            .setToken(token)).build(),
        WritePieceRequest.newBuilder().setData(PieceData.newBuilder().setOffset(0)
            .setData(ByteString.copyFrom(new byte[4])).setCrc32C(0x48674bc7)).build()), 30);
  }

  private static Status.Code wholeWriteWithToken(ManagedChannel worker, long pieceId, ByteString token) {
    return StatusCodes.of(() -> DataServiceGrpc.newBlockingStub(worker).withDeadlineAfter(30, TimeUnit.SECONDS)
        .writeWholePiece(WholePiece.newBuilder()
            .setHeader(WritePieceHeader.newBuilder().setPieceId(pieceId).setLength(4).setToken(token))
            .setData(PieceData.newBuilder().setOffset(0).setData(ByteString.copyFrom(new byte[4])).setCrc32C(0x48674bc7))
            .build()));
  }

  /** Calls a unary method with an empty request and returns the status. */
  @SuppressWarnings("unchecked")
  private static Status.Code call(ManagedChannel channel, MethodDescriptor<?, ?> method) {
    MethodDescriptor<Message, Message> typed = (MethodDescriptor<Message, Message>) method;
    Message request = (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller())
        .getMessagePrototype();
    return StatusCodes.of(() -> ClientCalls.blockingUnaryCall(channel, typed,
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request));
  }

  private static void expect(Status.Code actual, Status.Code... expected) {
    tried++;
    assertThat(actual).isIn((Object[]) expected);
    refusedAsExpected++;
  }

  /** A WritePiece whose one data message is larger than any daemon accepts. */
  private static Status.Code oversizeWrite(ManagedChannel worker) {
    return PieceStreams.send(worker, List.of(
        WritePieceRequest.newBuilder().setHeader(WritePieceHeader.newBuilder().setPieceId(0x5eedL)
            .setLength(OVERSIZE_BYTES).setToken(token(0x5eedL, PieceOperation.WRITE, Duration.ofMinutes(5)))).build(),
        WritePieceRequest.newBuilder().setData(PieceData.newBuilder().setOffset(0)
            .setData(ByteString.copyFrom(new byte[OVERSIZE_BYTES]))).build()), 30);
  }

  /** A WriteWholePiece larger than any daemon accepts. */
  private static Status.Code oversizeWholeWrite(ManagedChannel worker) {
    return StatusCodes.of(() -> DataServiceGrpc.newBlockingStub(worker).withDeadlineAfter(30, TimeUnit.SECONDS)
        .writeWholePiece(WholePiece.newBuilder()
            .setHeader(WritePieceHeader.newBuilder().setPieceId(0x5eedL).setLength(OVERSIZE_BYTES)
                .setToken(token(0x5eedL, PieceOperation.WRITE, Duration.ofMinutes(5))))
            .setData(PieceData.newBuilder().setOffset(0).setData(ByteString.copyFrom(new byte[OVERSIZE_BYTES])))
            .build()));
  }

  /** Payloads that are not what a gRPC peer sends: random bytes, other protocols, a broken HTTP/2 start. */
  private static List<byte[]> garbage(SplittableRandom random) {
    byte[] noise = new byte[64 * 1024];
    random.nextBytes(noise);
    byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] prefaceThenNoise = new byte[preface.length + 4096];
    System.arraycopy(preface, 0, prefaceThenNoise, 0, preface.length);
    random.nextBytes(prefaceThenNoise);
    System.arraycopy(preface, 0, prefaceThenNoise, 0, preface.length);
    byte[] hugeFrame = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01};
    byte[] prefaceThenHugeFrame = new byte[preface.length + hugeFrame.length];
    System.arraycopy(preface, 0, prefaceThenHugeFrame, 0, preface.length);
    System.arraycopy(hugeFrame, 0, prefaceThenHugeFrame, preface.length, hugeFrame.length);
    return List.of(noise, new byte[0],
        "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
        new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03}, // a TLS ClientHello start
        prefaceThenNoise, prefaceThenHugeFrame);
  }

  private static void sendAndClose(HostPort port, byte[] payload) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(port.host(), port.port()), 5_000);
      socket.setSoTimeout(2_000);
      OutputStream out = socket.getOutputStream();
      out.write(payload);
      out.flush();
      InputStream in = socket.getInputStream();
      try {
        in.readNBytes(1024); // whatever the daemon answers before it drops us
      } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
        // it kept quiet, or reset the connection: both are refusals
      }
    }
  }

  /** An empty {@code pieces/<fan-out>/slot-*.piece} of a worker. */
  private static boolean isSpare(Path root, Path file) {
    Path relative = root.relativize(file);
    return relative.getNameCount() == 3 && relative.getName(0).toString().equals("pieces")
        && relative.getFileName().toString().startsWith("slot-") && file.toFile().length() == 0;
  }

  private static int crashedDaemons() {
    return cluster.daemonsNotRunning();
  }

  private static void assertStillServesTheFileStoredBefore() {
    Path back = dir.resolve("back-" + System.nanoTime() + ".bin");
    HiroCli.Result get = HiroCli.run(dir, env, "client", "get", "/before.bin", back.toString());
    assertThat(get.exitCode()).as(get.toString()).isZero();
    assertThat(back).hasSameBinaryContentAs(original);
  }

  /**
   * SHA-256 over every file (path, content) in the master's and the workers' data dirs, but their
   * logs and a worker's empty spares (it makes them on its own, after a put, to write later ones into).
   */
  private static String dataDigest() {
    List<Path> roots = new ArrayList<>(List.of(cluster.masterDataDir()));
    for (int w = 0; w < cluster.workerCount(); w++) {
      roots.add(cluster.workerDataDir(w));
    }
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Path root : roots) {
        try (Stream<Path> files = Files.walk(root)) {
          // logs/ is meant to change: the daemons log every refusal there.
          for (Path file : files.filter(Files::isRegularFile).filter(f -> !root.relativize(f).startsWith("logs"))
              .filter(f -> !isSpare(root, f)).sorted().toList()) {
            digest.update(root.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
            digest.update(Files.readAllBytes(file));
          }
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
