package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.client.FileInfo;
import io.hiro.client.HiroClient;
import io.hiro.client.PieceInfo;
import io.hiro.client.PutOptions;
import io.hiro.client.PutResult;
import io.hiro.client.ReplicaLocation;
import io.hiro.client.core.ReplicaOrder;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.WorkerId;
import io.hiro.worker.store.PieceFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A master and three workers in this JVM, on real sockets and real disks. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterTest {
  private static final long PIECE_BYTES = 1L << 20;

  @TempDir Path dir;
  private TestCluster cluster;
  private HiroClient client;

  @BeforeEach
  void startCluster() {
    cluster = TestCluster.start(dir.resolve("cluster"), 3);
    client = cluster.client();
  }

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  @Test
  void putThenGetReturnsTheSameBytesWithEveryPieceOnThreeWorkers() {
    Path local = TestFiles.random(dir, "a.bin", 10 * PIECE_BYTES + 777, 1);
    PutResult put = client.put(local, "/photos/a.bin", new PutOptions(3, PIECE_BYTES, false));

    assertThat(put.pieces()).hasSize(11);
    assertThat(put.underReplicated()).isFalse();
    FileInfo info = client.stat("/photos/a.bin");
    assertThat(info.sizeBytes()).isEqualTo(10 * PIECE_BYTES + 777);
    for (PieceInfo piece : info.pieces()) {
      Set<String> workers = new HashSet<>();
      piece.replicas().forEach(r -> workers.add(r.workerId().value()));
      assertThat(workers).as("piece %d replicas", piece.index()).hasSize(3);
      int onDisk = 0;
      for (int w = 0; w < 3; w++) {
        onDisk += cluster.holds(w, piece.id().toString()) ? 1 : 0;
      }
      assertThat(onDisk).as("replica files of piece %s", piece.id()).isEqualTo(3);
    }
    Path back = dir.resolve("a.back");
    client.get("/photos/a.bin", back);
    assertThat(TestFiles.sameBytes(local, back)).isTrue();
  }

  @Test
  void getFallsBackToAnotherReplicaWhenAWorkerIsDown() {
    Path local = TestFiles.random(dir, "b.bin", 3 * PIECE_BYTES, 2);
    client.put(local, "/b.bin", new PutOptions(3, PIECE_BYTES, false));
    cluster.stopWorker(0);

    Path back = dir.resolve("b.back");
    client.get("/b.bin", back);
    assertThat(TestFiles.sameBytes(local, back)).isTrue();
  }

  @Test
  void getSkipsCorruptReplicasAndTheClusterReplacesThemWithGoodCopies() throws IOException {
    Path local = TestFiles.random(dir, "c.bin", 2 * PIECE_BYTES, 3);
    client.put(local, "/c.bin", new PutOptions(3, PIECE_BYTES, false));
    PieceInfo first = client.stat("/c.bin").pieces().getFirst();
    // Flip one byte of every replica but the one the client tries last (ReplicaOrder), so that the
    // get meets both corrupt ones first.
    List<WorkerId> byId = first.replicas().stream().map(ReplicaLocation::workerId)
        .sorted(Comparator.comparing(WorkerId::value)).toList();
    WorkerId survivor = ReplicaOrder.turn(byId, first.id().value(), 0).getLast();
    for (int w = 0; w < 3; w++) {
      if (!cluster.worker(w).workerId().equals(survivor)) {
        flipByte(cluster.replicaFile(w, first.id().toString()).orElseThrow(), 1000);
      }
    }

    Path back = dir.resolve("c.back");
    client.get("/c.bin", back);
    assertThat(TestFiles.sameBytes(local, back)).isTrue();
    // The bad replicas are moved aside, dropped and copied again from the survivor: in the end every
    // worker holds a replica whose bytes are the original ones.
    byte[] original = Arrays.copyOf(Files.readAllBytes(local), (int) PIECE_BYTES);
    Awaitility.await("corrupt replicas replaced").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> client.stat("/c.bin").pieces().getFirst().replicas().size() == 3
            && allReplicasHold(first.id().toString(), original));
  }

  @Test
  void catSkipsCorruptReplicasAndStreamsTheFileAsItWas() throws IOException {
    Path local = putWithEveryReplicaButTheLastTriedCorruptLate("/e.bin", "e.bin");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    client.cat("/e.bin", out);

    assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(local));
  }

  @Test
  void getSkipsCorruptReplicasAndHashesEachPieceAgainFromTheReplicaThatWorks() throws IOException {
    // get hashes a piece's bytes as they arrive and writes the piece once whole: each piece's
    // reads fail part-way twice before the last replica gives it whole. (The bytes a failing replica
    // gave are right here, its worker found the flip before sending it; ReadAheadTest checks that a
    // first replica's differing bytes are dropped from the hash.)
    Path local = putWithEveryReplicaButTheLastTriedCorruptLate("/g.bin", "g.bin");
    Path back = dir.resolve("g.back");

    client.get("/g.bin", back);

    assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(local));
  }

  /**
   * Puts a file of 2 pieces and a bit (4 messages each), then, in every piece, flips a byte late in
   * each replica but the one the client tries last: each bad read fails after its first messages went
   * into the piece's buffer (and were hashed), and the next replica's read must overwrite them in that
   * same buffer (a get or cat parses messages straight into it). Returns the local file.
   */
  private Path putWithEveryReplicaButTheLastTriedCorruptLate(String remote, String name) throws IOException {
    long pieceBytes = 4 * PIECE_BYTES;
    Path local = TestFiles.random(dir, name, 2 * pieceBytes + 5, 7);
    client.put(local, remote, new PutOptions(3, pieceBytes, false));
    long firstPieceId = client.stat(remote).pieces().getFirst().id().value();
    for (PieceInfo piece : client.stat(remote).pieces()) {
      List<WorkerId> byId = piece.replicas().stream().map(ReplicaLocation::workerId)
          .sorted(Comparator.comparing(WorkerId::value)).toList();
      WorkerId survivor = ReplicaOrder.turn(byId, firstPieceId, piece.index()).getLast();
      for (int w = 0; w < 3; w++) {
        if (!cluster.worker(w).workerId().equals(survivor)) {
          flipByte(cluster.replicaFile(w, piece.id().toString()).orElseThrow(), piece.lengthBytes() - 3);
        }
      }
    }
    return local;
  }

  private boolean allReplicasHold(String pieceIdHex, byte[] bytes) throws IOException {
    for (int w = 0; w < 3; w++) {
      Optional<Path> data = cluster.replicaFile(w, pieceIdHex);
      if (data.isEmpty() || !Arrays.equals(PieceFile.readPiece(data.get()), bytes)) {
        return false;
      }
    }
    return true;
  }

  @Test
  void getFailsWithDataLossWhenEveryReplicaIsCorruptAndLeavesNoFile() throws IOException {
    Path local = TestFiles.random(dir, "d.bin", PIECE_BYTES, 4);
    client.put(local, "/d.bin", new PutOptions(3, PIECE_BYTES, false));
    PieceInfo piece = client.stat("/d.bin").pieces().getFirst();
    for (int w = 0; w < 3; w++) {
      flipByte(cluster.replicaFile(w, piece.id().toString()).orElseThrow(), 5);
    }

    Path back = dir.resolve("d.back");
    assertThatThrownBy(() -> client.get("/d.bin", back))
        .isInstanceOf(HiroException.class)
        .extracting(e -> ((HiroException) e).code()).isEqualTo(ErrorCode.DATA_LOSS);
    assertThat(back).doesNotExist();
  }

  @Test
  void overwriteSwapsInTheNewVersionAndDeletesTheOldPiecesFromDisk() {
    Path first = TestFiles.random(dir, "v1.bin", 2 * PIECE_BYTES, 5);
    Path second = TestFiles.random(dir, "v2.bin", 3 * PIECE_BYTES + 1, 6);
    client.put(first, "/f.bin", new PutOptions(3, PIECE_BYTES, false));
    List<PieceInfo> oldPieces = client.stat("/f.bin").pieces();

    client.put(second, "/f.bin", new PutOptions(3, PIECE_BYTES, true));

    Path back = dir.resolve("f.back");
    client.get("/f.bin", back);
    assertThat(TestFiles.sameBytes(second, back)).isTrue();
    Awaitility.await("old pieces deleted").atMost(Duration.ofSeconds(15)).until(() ->
        oldPieces.stream().noneMatch(p -> cluster.holds(0, p.id().toString())
            || cluster.holds(1, p.id().toString()) || cluster.holds(2, p.id().toString())));
  }

  @Test
  void putOnAnExistingPathWithoutOverwriteFailsAndChangesNothing() {
    Path first = TestFiles.random(dir, "v1.bin", PIECE_BYTES, 7);
    Path second = TestFiles.random(dir, "v2.bin", PIECE_BYTES, 8);
    client.put(first, "/g.bin", PutOptions.defaults());

    assertThatThrownBy(() -> client.put(second, "/g.bin", PutOptions.defaults()))
        .isInstanceOf(HiroException.class)
        .extracting(e -> ((HiroException) e).code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
    Path back = dir.resolve("g.back");
    client.get("/g.bin", back);
    assertThat(TestFiles.sameBytes(first, back)).isTrue();
  }

  @Test
  void rmFreesTheWorkersDisks() {
    Path local = TestFiles.random(dir, "h.bin", 4 * PIECE_BYTES, 9);
    client.put(local, "/h/h.bin", new PutOptions(3, PIECE_BYTES, false));
    assertThat(cluster.replicaFiles(0)).hasSize(4);

    assertThat(client.delete("/h", true)).isEqualTo(1);

    assertThatThrownBy(() -> client.stat("/h/h.bin"))
        .extracting(e -> ((HiroException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
    Awaitility.await("replicas deleted").atMost(Duration.ofSeconds(15)).until(() ->
        cluster.replicaFiles(0).isEmpty() && cluster.replicaFiles(1).isEmpty() && cluster.replicaFiles(2).isEmpty());
  }

  @Test
  void directoriesMoveAtomicallyAndListSorted() {
    Path local = TestFiles.random(dir, "i.bin", 1000, 10);
    client.mkdir("/x/y", true);
    client.put(local, "/x/y/b.bin", PutOptions.defaults());
    client.put(local, "/x/y/a.bin", PutOptions.defaults());

    client.move("/x/y", "/z");

    assertThat(client.list("/z").stream().map(FileInfo::path)).containsExactly("/z/a.bin", "/z/b.bin");
    assertThat(client.list("/x")).isEmpty();
    Path back = dir.resolve("i.back");
    client.get("/z/a.bin", back);
    assertThat(TestFiles.sameBytes(local, back)).isTrue();
    assertThatThrownBy(() -> client.move("/z", "/z/inside"))
        .extracting(e -> ((HiroException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThatThrownBy(() -> client.delete("/z", false))
        .extracting(e -> ((HiroException) e).code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
  }

  @Test
  void anEmptyFileRoundTrips() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty"));
    client.put(empty, "/empty", PutOptions.defaults());
    Path back = dir.resolve("empty.back");
    client.get("/empty", back);
    assertThat(back).exists().isEmptyFile();
  }

  @Test
  void replicationIsCappedByLiveWorkersAndTheShortfallIsReported() {
    cluster.stopWorker(2);
    cluster.awaitDeadWorker(2);
    Path local = TestFiles.random(dir, "j.bin", 2 * PIECE_BYTES, 11);

    PutResult put = client.put(local, "/j.bin", new PutOptions(3, PIECE_BYTES, false));

    assertThat(put.underReplicated()).isTrue();
    assertThat(client.report().underReplicatedPieces()).isEqualTo(2);
    Path back = dir.resolve("j.back");
    client.get("/j.bin", back);
    assertThat(TestFiles.sameBytes(local, back)).isTrue();
  }

  @Test
  void badInputGetsTheRightErrorAndChangesNothing() {
    Path local = TestFiles.random(dir, "k.bin", 100, 12);
    assertThatThrownBy(() -> client.put(local, "/a/../b", PutOptions.defaults()))
        .extracting(e -> ((HiroException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThatThrownBy(() -> client.put(local, "/a//b", PutOptions.defaults()))
        .extracting(e -> ((HiroException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThatThrownBy(() -> client.put(dir.resolve("missing"), "/m", PutOptions.defaults()))
        .extracting(e -> ((HiroException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThatThrownBy(() -> client.get("/nothing-here", dir.resolve("n")))
        .extracting(e -> ((HiroException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThatThrownBy(() -> client.put(local, "/k", new PutOptions(99, 0, false)))
        .extracting(e -> ((HiroException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(client.list("/")).isEmpty();
    assertThat(client.report().fileCount()).isZero();
  }

  private static void flipByte(Path data, long offset) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(data.toFile(), "rw")) {
      file.seek(offset);
      int b = file.read();
      file.seek(offset);
      file.write(b ^ 0x40);
    }
  }
}
