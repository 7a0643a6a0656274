package io.hiro.app;

import io.hiro.client.ClientSecurity;
import io.hiro.client.HiroClient;
import io.hiro.client.WorkerInfo;
import io.hiro.common.HostPort;
import io.hiro.common.PieceId;
import io.hiro.common.security.ClusterSecret;
import io.hiro.master.MasterServer;
import io.hiro.master.config.MasterConfig;
import io.hiro.worker.WorkerServer;
import io.hiro.worker.config.WorkerConfig;
import io.hiro.worker.store.DataDirLayout;
import io.hiro.worker.store.PieceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;

/**
 * A master and N workers in this JVM on loopback, each with its own temp dir. A test can stop a
 * worker (it vanishes as if killed: its server closes), start it again on the same port and
 * data dir, corrupt its files, and read its disk. The master creates the cluster secret in its data
 * dir; the workers and the client are given it.
 */
final class TestCluster implements AutoCloseable {
  static final Duration HEARTBEAT = Duration.ofMillis(200);
  static final Duration DEAD_AFTER = Duration.ofSeconds(2);

  private final Path baseDir;
  private final MasterServer master;
  private final ClusterSecret secret;
  private final List<WorkerServer> workers = new ArrayList<>();
  private final List<Integer> workerPorts = new ArrayList<>();
  private final HiroClient client;

  private TestCluster(Path baseDir, int workerCount) {
    this.baseDir = baseDir;
    this.master = MasterServer.start(MasterConfig.builder()
        .bindHost("127.0.0.1").port(0).dataDir(baseDir.resolve("master"))
        .heartbeatInterval(HEARTBEAT).deadAfter(DEAD_AFTER).httpPort(0).build());
    this.secret = ClusterSecret.load(baseDir.resolve("master").resolve(ClusterSecret.FILE_NAME));
    for (int i = 0; i < workerCount; i++) {
      workers.add(null);
      workerPorts.add(0);
      startWorker(i);
    }
    this.client = HiroClient.connect(masterAddress(), clientSecurity());
    awaitLiveWorkers(workerCount);
  }

  static TestCluster start(Path baseDir, int workerCount) {
    return new TestCluster(baseDir, workerCount);
  }

  HiroClient client() {
    return client;
  }

  /** What a trusted client of this cluster holds: the cluster secret (no TLS). */
  ClientSecurity clientSecurity() {
    return ClientSecurity.of(secret);
  }

  HostPort masterAddress() {
    return new HostPort("127.0.0.1", master.port());
  }

  /** The master's status page and metrics. */
  String masterHttpUrl() {
    return "http://127.0.0.1:" + master.httpPort().orElseThrow();
  }

  int workerCount() {
    return workers.size();
  }

  WorkerServer worker(int index) {
    return workers.get(index);
  }

  Path workerDir(int index) {
    return baseDir.resolve("worker-" + index);
  }

  void startWorker(int index) {
    WorkerServer worker = WorkerServer.start(WorkerConfig.builder()
        .bindHost("127.0.0.1").port(workerPorts.get(index)).master(masterAddress())
        .dataDir(workerDir(index)).advertiseHost("127.0.0.1").heartbeatInterval(HEARTBEAT).secret(secret).httpPort(0)
        .build());
    workers.set(index, worker);
    workerPorts.set(index, worker.port());
  }

  /** Stops worker {@code index} at once: for the cluster it is a dead worker. */
  void stopWorker(int index) {
    workers.get(index).close();
    workers.set(index, null);
  }

  void awaitLiveWorkers(int count) {
    Awaitility.await("" + count + " live workers").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> client.report().workers().stream().filter(w -> w.state().equals("live")).count() == count);
  }

  void awaitDeadWorker(int index) {
    String address = "127.0.0.1:" + workerPorts.get(index);
    Awaitility.await("worker " + address + " dead").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> client.report().workers().stream()
            .filter(w -> w.address().equals(address)).map(WorkerInfo::state).anyMatch("dead"::equals));
  }

  /** The replica files on worker {@code index}'s disk. */
  List<Path> replicaFiles(int index) {
    return SoakFaults.replicaFiles(workerDir(index));
  }

  /** The file that holds worker {@code index}'s replica of the piece with this hex id, if one does. */
  Optional<Path> replicaFile(int index, String pieceIdHex) {
    try {
      return PieceFile.find(new DataDirLayout(workerDir(index)), PieceId.parse(pieceIdHex));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether worker {@code index} holds a replica of the piece with this hex id. */
  boolean holds(int index, String pieceIdHex) {
    return replicaFile(index, pieceIdHex).isPresent();
  }

  @Override
  public void close() {
    client.close();
    for (WorkerServer worker : workers) {
      if (worker != null) {
        worker.close();
      }
    }
    master.close();
  }
}
