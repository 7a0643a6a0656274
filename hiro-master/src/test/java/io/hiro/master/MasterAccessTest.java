package io.hiro.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hiro.common.rpc.AuthInterceptor;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.security.CallSigner;
import io.hiro.common.security.ClusterSecret;
import io.hiro.master.config.MasterConfig;
import io.hiro.proto.ClusterReportRequest;
import io.hiro.proto.ClusterServiceGrpc;
import io.hiro.proto.CreateFileRequest;
import io.hiro.proto.DeleteRequest;
import io.hiro.proto.FsckRequest;
import io.hiro.proto.HeartbeatRequest;
import io.hiro.proto.ListRequest;
import io.hiro.proto.MkdirRequest;
import io.hiro.proto.MoveRequest;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.NamespaceServiceGrpc.NamespaceServiceBlockingStub;
import io.hiro.proto.RegisterRequest;
import io.hiro.proto.ReportBadReplicaRequest;
import io.hiro.proto.StatRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.Condition;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A real master on a real socket: who may call what, and what it keeps on disk. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MasterAccessTest {
  @TempDir Path temp;
  private Path data;
  private MasterServer server;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final ListAppender<ILoggingEvent> refusals = new ListAppender<>();
  private final Logger authLog = (Logger) LoggerFactory.getLogger(AuthInterceptor.class);

  @BeforeEach
  void start() {
    data = temp.resolve("master");
    server = MasterServer.start(MasterConfig.builder().bindHost("127.0.0.1").port(0).dataDir(data)
        .checkpointEveryOperations(1).build());
    refusals.start();
    authLog.addAppender(refusals);
  }

  @AfterEach
  void stop() {
    authLog.detachAppender(refusals);
    channels.forEach(Rpc::shutdown);
    server.close();
  }

  private ManagedChannel track(ManagedChannel channel) {
    channels.add(channel);
    return channel;
  }

  private NamespaceServiceBlockingStub namespace(ManagedChannel channel) {
    return NamespaceServiceGrpc.newBlockingStub(track(channel)).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private ClusterServiceGrpc.ClusterServiceBlockingStub cluster(ManagedChannel channel) {
    return ClusterServiceGrpc.newBlockingStub(track(channel)).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private ClusterSecret secret() {
    return ClusterSecret.load(data.resolve(ClusterSecret.FILE_NAME));
  }

  private static void assertDenied(String messagePart, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(StatusRuntimeException.class)
        .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
            .isEqualTo(Status.Code.PERMISSION_DENIED))
        .hasMessageContaining(messagePart);
  }

  private static RegisterRequest registration() {
    return RegisterRequest.newBuilder().setWorkerId("w-intruder").setAddress("10.9.9.9:5050")
        .setCapacityBytes(1L << 40).setFreeBytes(1L << 40).build();
  }

  private long registeredWorkers() {
    return namespace(MasterChannels.asCluster(server, data))
        .clusterReport(ClusterReportRequest.getDefaultInstance()).getWorkersCount();
  }

  @Test
  void aCallWithoutACredentialIsRefusedAndLoggedWithTheCallersAddress() {
    assertDenied("no credential", () -> namespace(MasterChannels.unsigned(server))
        .mkdir(MkdirRequest.newBuilder().setPath("/x").build()));
    assertDenied("no credential", () -> cluster(MasterChannels.unsigned(server)).register(registration()));

    assertThat(registeredWorkers()).isZero();
    assertThat(refusals.list).hasSize(2).allSatisfy(event -> {
      assertThat(event.getLevel()).isEqualTo(Level.WARN);
      assertThat(event.getFormattedMessage()).contains("master: refused", "127.0.0.1", "no credential");
    });
  }

  @Test
  void aWorkerWithAnotherClustersSecretCannotRegisterAndAClientCannotChangeAnything() {
    CallSigner stranger = CallSigner.forCluster(ClusterSecret.generate(new SecureRandom()));

    assertDenied("bad signature", () -> cluster(MasterChannels.signedBy(server, stranger)).register(registration()));
    assertDenied("bad signature", () -> cluster(MasterChannels.signedBy(server, stranger))
        .heartbeat(HeartbeatRequest.newBuilder().setWorkerId("w-intruder").build()));
    assertDenied("bad signature", () -> namespace(MasterChannels.signedBy(server, stranger))
        .mkdir(MkdirRequest.newBuilder().setPath("/x").build()));

    assertThat(registeredWorkers()).isZero();
    NamespaceServiceBlockingStub trusted = namespace(MasterChannels.asCluster(server, data));
    assertThat(trusted.list(ListRequest.newBuilder().setPath("/").build()).getEntriesList()).isEmpty();
    assertThat(refusals.list).extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(line -> assertThat(line).contains("Register", "127.0.0.1", "bad signature"));
  }

  @Test
  void theClusterSecretMayRegisterAndChangeTheNamespace() {
    cluster(MasterChannels.asCluster(server, data)).register(registration());
    NamespaceServiceBlockingStub trusted = namespace(MasterChannels.asCluster(server, data));
    trusted.mkdir(MkdirRequest.newBuilder().setPath("/photos").build());

    assertThat(registeredWorkers()).isEqualTo(1);
    assertThat(trusted.list(ListRequest.newBuilder().setPath("/").build()).getEntriesCount()).isEqualTo(1);
    assertThat(refusals.list).isEmpty();
  }

  @Test
  void aReadOnlyCredentialMayListStatReportAndFsckButChangeNothing() {
    namespace(MasterChannels.asCluster(server, data)).mkdir(MkdirRequest.newBuilder().setPath("/photos").build());
    CallSigner readOnly = CallSigner.forReadOnly(secret().readOnlyCredential());
    NamespaceServiceBlockingStub player = namespace(MasterChannels.signedBy(server, readOnly));

    assertThat(player.list(ListRequest.newBuilder().setPath("/").build()).getEntriesCount()).isEqualTo(1);
    assertThat(player.stat(StatRequest.newBuilder().setPath("/photos").build()).getFile().getDirectory()).isTrue();
    assertThat(player.clusterReport(ClusterReportRequest.getDefaultInstance()).getDirectoryCount()).isEqualTo(1);
    assertThat(player.fsck(FsckRequest.newBuilder().setPath("/").build()).getFilesChecked()).isZero();

    List<ThrowingCallable> changes = List.of(
        () -> player.mkdir(MkdirRequest.newBuilder().setPath("/music").build()),
        () -> player.delete(DeleteRequest.newBuilder().setPath("/photos").build()),
        () -> player.move(MoveRequest.newBuilder().setSource("/photos").setDestination("/p").build()),
        () -> player.createFile(CreateFileRequest.newBuilder().setPath("/f").setSizeBytes(1).build()),
        () -> player.reportBadReplica(ReportBadReplicaRequest.newBuilder().setPieceId(1).setWorkerId("w1").build()),
        () -> cluster(MasterChannels.signedBy(server, readOnly)).register(registration()));
    for (ThrowingCallable change : changes) {
      assertDenied("read-only", change);
    }
    assertThat(namespace(MasterChannels.asCluster(server, data)).list(ListRequest.newBuilder().setPath("/").build())
        .getEntriesList()).extracting(f -> f.getPath()).containsExactly("/photos");
    assertThat(registeredWorkers()).isZero();
  }

  @Test
  void theSecretIsCreatedOnTheFirstStartAndKeptOnTheNext() {
    String first = secret().fingerprint();
    server.close();
    server = MasterServer.start(MasterConfig.builder().bindHost("127.0.0.1").port(0).dataDir(data).build());

    assertThat(secret().fingerprint()).isEqualTo(first);
    assertThat(registeredWorkers()).isZero();
  }

  @Test
  void theDataDirIsOwnerOnlyAndSoIsEveryFileTheMasterWritesInIt() throws IOException {
    NamespaceServiceBlockingStub trusted = namespace(MasterChannels.asCluster(server, data));
    for (int i = 0; i < 3; i++) {
      trusted.mkdir(MkdirRequest.newBuilder().setPath("/d" + i).build());
    }

    assertThat(permissions(data)).isEqualTo("rwx------");
    // A checkpoint that falls due at a mkdir is written in the background (the mkdir runs on a network
    // thread): its temp file comes and goes, and it deletes what it replaces. So the permissions of
    // every file present, once one of them is a finished checkpoint and none a temp file.
    Map<String, String> files = Awaitility.await("a checkpoint written in full").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20)).until(() -> permissionsOfEachFileIn(data),
            found -> found.keySet().stream().anyMatch(name -> name.startsWith("checkpoint-") && name.endsWith(".ckpt"))
                && found.keySet().stream().noneMatch(name -> name.endsWith(".tmp")));
    assertThat(files).containsKeys("lock", ClusterSecret.FILE_NAME)
        .hasKeySatisfying(new Condition<>(name -> name.startsWith("journal-"), "a journal segment"))
        .allSatisfy((name, permissions) -> assertThat(permissions).as(name).isEqualTo("rw-------"));
  }

  /** The permissions of each file in {@code dir}, by name, but for those deleted while it looks. */
  private static Map<String, String> permissionsOfEachFileIn(Path dir) throws IOException {
    Map<String, String> found = new TreeMap<>();
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path file : entries.toList()) {
        try {
          found.put(file.getFileName().toString(), permissions(file));
        } catch (NoSuchFileException e) {
          // replaced by a checkpoint since the listing
        }
      }
    }
    return found;
  }

  @Test
  void anExistingDataDirOpenToOthersIsMadeOwnerOnlyAtStart() throws IOException {
    server.close();
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

    server = MasterServer.start(MasterConfig.builder().bindHost("127.0.0.1").port(0).dataDir(data).build());

    assertThat(permissions(data)).isEqualTo("rwx------");
  }

  private static String permissions(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
