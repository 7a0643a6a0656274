package io.hiro.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.client.core.Downloader;
import io.hiro.client.core.ReplicaOrder;
import io.hiro.client.fake.FakeCluster;
import io.hiro.client.fake.FakeWorker;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.proto.FileStatus;
import io.hiro.proto.PieceRef;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PutAndGetTest {
  private static final long PIECE_BYTES = 64 * 1024;
  private static final long SEED = System.nanoTime();

  @TempDir Path dir;
  private FakeCluster cluster;
  private HiroClient client;

  @BeforeEach
  void start() {
    System.out.println("seed " + SEED);
    cluster = new FakeCluster(3);
    client = cluster.client();
  }

  @AfterEach
  void stop() {
    client.close();
    cluster.close();
  }

  private Path localFile(String name, int sizeBytes) throws IOException {
    byte[] bytes = new byte[sizeBytes];
    new Random(SEED + sizeBytes).nextBytes(bytes);
    return Files.write(dir.resolve(name), bytes);
  }

  private static PutOptions pieces(long pieceSizeBytes) {
    return new PutOptions(3, pieceSizeBytes, false);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3 * 64 * 1024, 2 * 64 * 1024 + 12_345, 1024 * 1024, 1024 * 1024 + 1, 2 * 1024 * 1024})
  void putThenGetRoundTripsTheBytes(int sizeBytes) throws IOException {
    Path local = localFile("a.bin", sizeBytes);

    PutResult put = client.put(local, "/docs/a.bin", pieces(PIECE_BYTES));
    client.get("/docs/a.bin", dir.resolve("back.bin"));

    assertThat(dir.resolve("back.bin")).hasSameBinaryContentAs(local);
    assertThat(put.sizeBytes()).isEqualTo(sizeBytes);
    assertThat(put.pieces()).hasSize((int) ((sizeBytes + PIECE_BYTES - 1) / PIECE_BYTES));
    assertThat(put.underReplicated()).isFalse();
    assertThat(put.pieces()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
  }

  @Test
  void piecesLargerThanOneMessageRoundTripThroughGetAndCat() throws IOException {
    Path local = localFile("big.bin", 5 * 1024 * 1024 + 7);

    client.put(local, "/big.bin", pieces(2 * 1024 * 1024));
    client.get("/big.bin", dir.resolve("back.bin"));
    LargestWrite out = new LargestWrite();
    client.cat("/big.bin", out);

    assertThat(dir.resolve("back.bin")).hasSameBinaryContentAs(local);
    assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(local));
    // Pieces of 2 MiB reach the stream in writes of at most 1 MiB (a FileOutputStream maps memory the size of each).
    assertThat(out.largest).isEqualTo(Downloader.CAT_WRITE_BYTES);
  }

  /** The bytes written, and the most written in one call. */
  private static final class LargestWrite extends ByteArrayOutputStream {
    int largest;

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
      largest = Math.max(largest, length);
      super.write(bytes, offset, length);
    }
  }

  @Test
  void commitCarriesEachPieceAndTheSha256() throws Exception {
    Path local = localFile("a.bin", 150_000);

    client.put(local, "/a.bin", pieces(PIECE_BYTES));

    var commit = cluster.master().commits.getFirst();
    assertThat(commit.getPiecesList()).extracting(p -> p.getLength()).containsExactly(65_536L, 65_536L, 18_928L);
    assertThat(commit.getPiecesList()).allSatisfy(p -> assertThat(p.getWorkerIdsList()).containsExactly("w1", "w2", "w3"));
    byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(local));
    assertThat(commit.getSha256().toByteArray()).isEqualTo(sha);
  }

  @Test
  void getIntoADirectoryWritesTheFileByItsName() throws IOException {
    Path local = localFile("a.bin", 100_000);
    client.put(local, "/photos/cat.jpg", pieces(PIECE_BYTES));
    Path target = Files.createDirectory(dir.resolve("down"));

    client.get("/photos/cat.jpg", target);

    assertThat(target.resolve("cat.jpg")).hasSameBinaryContentAs(local);
  }

  @Test
  void aGetAndACatReadTheirPiecesFromEveryWorkerThatHoldsThem() throws IOException {
    Path local = localFile("spread.bin", (int) (6 * PIECE_BYTES));
    client.put(local, "/spread.bin", pieces(PIECE_BYTES));

    client.get("/spread.bin", dir.resolve("spread.back"));
    assertThat(cluster.workers()).allSatisfy(w -> assertThat(w.readsStarted.get()).as(w.id()).isEqualTo(2));
    client.cat("/spread.bin", OutputStream.nullOutputStream());
    assertThat(cluster.workers()).allSatisfy(w -> assertThat(w.readsStarted.get()).as(w.id()).isEqualTo(4));
  }

  @Test
  void getFallsBackToAnotherReplicaAndReportsTheCorruptOne() throws IOException {
    Path local = localFile("a.bin", 200_000);
    client.put(local, "/a.bin", pieces(PIECE_BYTES));
    FileStatus file = cluster.master().file("/a.bin");
    PieceRef second = file.getPieces(1);
    String readFirst = ReplicaOrder.forRead(second, file.getPieces(0).getPieceId()).getFirst().getWorkerId();
    cluster.worker(readFirst).corrupt(second.getPieceId());

    client.get("/a.bin", dir.resolve("back.bin"));

    assertThat(dir.resolve("back.bin")).hasSameBinaryContentAs(local);
    assertThat(cluster.master().badReplicas).singleElement().satisfies(r -> {
      assertThat(r.getPieceId()).isEqualTo(second.getPieceId());
      assertThat(r.getWorkerId()).isEqualTo(readFirst);
    });
  }

  /**
   * A worker that finds its replica corrupt moves it aside and reports it itself: the client reads
   * another replica and sends no report of its own, which could reach the master after a fresh copy.
   */
  @Test
  void aReplicaItsWorkerFoundCorruptIsReadElsewhereAndNotReportedAgain() throws IOException {
    Path local = localFile("a.bin", 200_000);
    client.put(local, "/a.bin", pieces(PIECE_BYTES));
    FileStatus file = cluster.master().file("/a.bin");
    PieceRef second = file.getPieces(1);
    FakeWorker readFirst = cluster.worker(ReplicaOrder.forRead(second, file.getPieces(0).getPieceId()).getFirst()
        .getWorkerId());
    readFirst.findCorrupt(second.getPieceId());
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    client.get("/a.bin", dir.resolve("back.bin"));
    client.cat("/a.bin", out);

    assertThat(readFirst.corruptAnswers.get()).as("the get and the cat each met it").isEqualTo(2);
    assertThat(dir.resolve("back.bin")).hasSameBinaryContentAs(local);
    assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(local));
    assertThat(cluster.master().badReplicas).isEmpty();
  }

  @Test
  void catFallsBackToAnotherReplicaWhenOneIsCorrupt() throws IOException {
    Path local = localFile("a.bin", 200_000);
    client.put(local, "/a.bin", pieces(PIECE_BYTES));
    PieceRef first = cluster.master().file("/a.bin").getPieces(0);
    cluster.worker(ReplicaOrder.forRead(first, first.getPieceId()).getFirst().getWorkerId()).corrupt(first.getPieceId());
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    client.cat("/a.bin", out);

    assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(local));
  }

  @Test
  void getFailsWithDataLossAndLeavesNoFileWhenEveryReplicaIsCorrupt() throws IOException {
    Path local = localFile("a.bin", 200_000);
    client.put(local, "/a.bin", pieces(PIECE_BYTES));
    long pieceId = cluster.master().file("/a.bin").getPieces(2).getPieceId();
    cluster.workers().forEach(w -> w.corrupt(pieceId));
    Path down = Files.createDirectory(dir.resolve("down"));

    assertThatThrownBy(() -> client.get("/a.bin", down.resolve("back.bin")))
        .isInstanceOfSatisfying(HiroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DATA_LOSS))
        .hasMessageContaining("piece 2");
    try (Stream<Path> left = Files.list(down)) {
      assertThat(left).isEmpty();
    }
    assertThat(cluster.master().badReplicas).hasSize(3);
  }

  @Test
  void aReadTokenThatExpiresDuringAGetIsRenewedAtTheMasterOnceForAllPieces() throws IOException {
    Path local = localFile("long.bin", 3 * 64 * 1024);
    client.put(local, "/long.bin", pieces(PIECE_BYTES));
    cluster.checkReadTokens = true;
    cluster.master().expireReadTokensAfterStats.set(1);

    client.get("/long.bin", dir.resolve("back.bin"));

    assertThat(dir.resolve("back.bin")).hasSameBinaryContentAs(local);
    assertThat(cluster.master().stats.get()).isEqualTo(2);
  }

  @Test
  void aReadTokenRefusedAgainAfterItsRenewalFailsTheGetWithPermissionDenied() throws IOException {
    Path local = localFile("refused.bin", 1000);
    client.put(local, "/refused.bin", pieces(PIECE_BYTES));
    cluster.checkReadTokens = true;
    cluster.master().expireReadTokensAfterStats.set(100);

    assertThatThrownBy(() -> client.get("/refused.bin", dir.resolve("back.bin")))
        .isInstanceOf(HiroException.class)
        .satisfies(e -> assertThat(((HiroException) e).code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
    assertThat(cluster.master().stats.get()).as("one Stat, one renewal, no loop").isEqualTo(2);
    assertThat(dir.resolve("back.bin")).doesNotExist();
  }

  @Test
  void getFailsAsUnavailableWhenEveryWorkerIsDown() throws IOException {
    client.put(localFile("a.bin", 100_000), "/a.bin", pieces(PIECE_BYTES));
    cluster.workers().forEach(cluster::stop);

    assertThatThrownBy(() -> client.get("/a.bin", dir.resolve("back.bin")))
        .isInstanceOfSatisfying(HiroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    assertThat(dir.resolve("back.bin")).doesNotExist();
  }

  @Test
  void putAsksForANewChainAndResendsWhenThePrimaryFails() throws IOException {
    cluster.master().minReplicas = 2;
    FakeWorker primary = cluster.worker("w1");
    primary.failWrites = true;
    Path local = localFile("a.bin", 150_000);

    PutResult put = client.put(local, "/a.bin", pieces(PIECE_BYTES));

    assertThat(cluster.master().allocations).hasSize(3)
        .allSatisfy(a -> assertThat(a.getExcludeWorkerIdsList()).containsExactly("w1"));
    assertThat(put.underReplicated()).isTrue();
    assertThat(put.pieces()).allSatisfy(p -> assertThat(p.replicas()).extracting(r -> r.workerId().value())
        .containsExactly("w2", "w3"));
    client.get("/a.bin", dir.resolve("back.bin"));
    assertThat(dir.resolve("back.bin")).hasSameBinaryContentAs(local);
  }

  @Test
  void putFailsAndAbortsWhenTooFewWorkersConfirmAPiece() throws IOException {
    cluster.master().minReplicas = 2;
    cluster.worker("w2").failWrites = true;
    cluster.worker("w3").failWrites = true;

    assertThatThrownBy(() -> client.put(localFile("a.bin", 100_000), "/a.bin", pieces(PIECE_BYTES)))
        .isInstanceOfSatisfying(HiroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("at least 2");
    assertThat(cluster.master().aborted).hasSize(1);
    assertThat(cluster.master().commits).isEmpty();
  }

  @Test
  void putFailsAndAbortsWhenNoChainWorks() throws IOException {
    cluster.workers().forEach(w -> w.failWrites = true);

    assertThatThrownBy(() -> client.put(localFile("a.bin", 100_000), "/a.bin", pieces(PIECE_BYTES)))
        .isInstanceOfSatisfying(HiroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    assertThat(cluster.master().aborted).hasSize(1);
  }

  /**
   * 150,000 bytes in pieces of 64 KiB: hashed first, pieces sent in parallel; 4,096 bytes in one
   * default piece: hashed first and sent on the caller's thread (Uploader's short path).
   */
  @ParameterizedTest(name = "{0} bytes, pieces of {1} bytes (0: default)")
  @CsvSource({"150000, 65536", "4096, 0", "1500000, 0"})
  void putFailsAndAbortsWhenTheLocalFileGrowsWhileItIsRead(int size, long pieceSize) throws IOException {
    Path local = localFile("a.bin", size);
    cluster.worker("w1").onWriteHeader = () -> {
      try {
        Files.write(local, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };

    assertThatThrownBy(() -> client.put(local, "/a.bin", pieces(pieceSize)))
        .isInstanceOf(HiroException.class).hasMessageContaining("changed while it was read");
    assertThat(cluster.master().aborted).hasSize(1);
    assertThat(cluster.master().commits).isEmpty();
  }

  /** The same size, new bytes and a new modification time: only the time tells that it changed. */
  @Test
  void putFailsAndAbortsWhenTheLocalFileIsRewrittenAtTheSameSizeWhileItIsRead() throws IOException {
    Path local = localFile("a.bin", 4096);
    FileTime before = Files.getLastModifiedTime(local);
    cluster.worker("w1").onWriteHeader = () -> {
      try {
        Files.write(local, new byte[4096]);
        Files.setLastModifiedTime(local, FileTime.fromMillis(before.toMillis() + 10_000));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };

    assertThatThrownBy(() -> client.put(local, "/a.bin", PutOptions.defaults()))
        .isInstanceOf(HiroException.class).hasMessageContaining("changed while it was read");
    assertThat(cluster.master().aborted).hasSize(1);
    assertThat(cluster.master().commits).isEmpty();
  }

  /**
   * A small file is read once: its pieces go from the bytes its SHA-256 was taken of. Here the file
   * is rewritten in place while its first pieces are in flight, keeping its size and time (as
   * {@code touch -r} would leave it), and every call waits until that is done, so the later pieces
   * are sent after it: they must still hold what was hashed, or the file committed would not match
   * its own SHA-256.
   */
  @Test
  void aSmallFileRewrittenInPlaceKeepingItsSizeAndTimeIsStoredAsItWasHashed() throws IOException {
    Path local = localFile("a.bin", 10 * 64 * 1024 - 1_000);
    byte[] hashed = Files.readAllBytes(local);
    Runnable rewrite = rewriteInPlaceOnceKeepingSizeAndTime(local);
    cluster.workers().forEach(w -> w.onWriteHeader = rewrite);

    client.put(local, "/a.bin", pieces(64 * 1024));

    assertThat(Files.readAllBytes(local)).as("the file was rewritten").isNotEqualTo(hashed);
    LargestWrite out = new LargestWrite();
    client.cat("/a.bin", out);
    assertThat(out.toByteArray()).isEqualTo(hashed);
  }

  /**
   * A larger file is read twice, by its hash pass and by its pieces. Rewritten in place as above
   * once the first pieces are in flight, it must not be committed with a SHA-256 its pieces do not
   * match: either the put fails as changed (the pieces' CRC32Cs differ from what the hash pass read),
   * or the file reads back whole, its SHA-256 checked. Before the check, it was committed, and every
   * read of it failed.
   */
  @Test
  void aLargerFileRewrittenInPlaceIsNeverCommittedWithAHashItsPiecesDoNotMatch() throws IOException {
    Path local = localFile("a.bin", 2 * 1024 * 1024 + 123);
    int size = (int) Files.size(local);
    Runnable rewrite = rewriteInPlaceOnceKeepingSizeAndTime(local);
    cluster.workers().forEach(w -> w.onWriteHeader = rewrite);

    try {
      client.put(local, "/a.bin", pieces(64 * 1024));
    } catch (HiroException e) {
      assertThat(e).hasMessageContaining("changed while it was read");
      assertThat(cluster.master().commits).isEmpty();
      return;
    }
    LargestWrite out = new LargestWrite();
    client.cat("/a.bin", out); // checks the SHA-256
    assertThat(out.toByteArray()).hasSize(size);
  }

  /**
   * A piece's header hook: the first call rewrites {@code local} in place with other bytes, keeping
   * its size and modification time; every call waits until that is done.
   */
  private static Runnable rewriteInPlaceOnceKeepingSizeAndTime(Path local) throws IOException {
    FileTime time = Files.getLastModifiedTime(local);
    byte[] other = new byte[(int) Files.size(local)];
    Arrays.fill(other, (byte) 7);
    AtomicBoolean first = new AtomicBoolean(true);
    CountDownLatch rewritten = new CountDownLatch(1);
    return () -> {
      if (first.getAndSet(false)) {
        try {
          Files.write(local, other);
          Files.setLastModifiedTime(local, time);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } finally {
          rewritten.countDown();
        }
      }
      try {
        rewritten.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  @Test
  void putOfAPathThroughAFileIsNotFound() throws IOException {
    Path file = localFile("a.bin", 10);

    assertThatThrownBy(() -> client.put(file.resolve("x"), "/a", PutOptions.defaults()))
        .isInstanceOfSatisfying(HiroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
        .hasMessageContaining("does not exist");
  }

  @Test
  void putOfAFileItsUserCannotReadIsInvalid() throws IOException {
    Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root reads any file");
    Path local = localFile("a.bin", 10);
    Files.setPosixFilePermissions(local, Set.of());

    assertThatThrownBy(() -> client.put(local, "/a", PutOptions.defaults()))
        .isInstanceOfSatisfying(HiroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("permission denied");
  }

  @Test
  void putOfADeviceIsInvalid() {
    assertThatThrownBy(() -> client.put(Path.of("/dev/null"), "/a", PutOptions.defaults()))
        .isInstanceOfSatisfying(HiroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("not a regular file");
    assertThat(cluster.master().commits).isEmpty();
  }

  @Test
  void putOfAMissingLocalFileIsNotFoundAndOfADirectoryIsInvalid() {
    assertThatThrownBy(() -> client.put(dir.resolve("nope"), "/a", PutOptions.defaults()))
        .isInstanceOfSatisfying(HiroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> client.put(dir, "/a", PutOptions.defaults()))
        .isInstanceOfSatisfying(HiroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("is a directory");
    assertThat(cluster.master().commits).isEmpty();
  }

  @Test
  void statIsRetriedWhileTheMasterIsUnavailable() throws IOException {
    client.put(localFile("a.bin", 70_000), "/a.bin", pieces(PIECE_BYTES));
    cluster.master().statFailures.set(2);

    FileInfo info = client.stat("/a.bin");

    assertThat(info.sizeBytes()).isEqualTo(70_000);
    assertThat(info.pieces()).hasSize(2);
    assertThat(info.pieces().getFirst().replicas()).hasSize(3);
  }

  @Test
  void statFailsAsNotFoundForAMissingPath() {
    assertThatThrownBy(() -> client.stat("/missing"))
        .isInstanceOfSatisfying(HiroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void listAndReportDecodeTheMastersAnswers() throws IOException {
    client.put(localFile("a.bin", 10), "/d/a.bin", pieces(PIECE_BYTES));

    assertThat(client.list("/d")).extracting(FileInfo::path).containsExactly("/d/a.bin");
    ClusterReport report = client.report();
    assertThat(report.fileCount()).isEqualTo(1);
    assertThat(report.workers()).extracting(WorkerInfo::workerId).containsExactly("w1", "w2", "w3");
  }

  @Test
  void putOfAnExistingPathWithoutOverwriteIsAlreadyExists() throws IOException {
    Path local = localFile("a.bin", 10);
    client.put(local, "/a.bin", PutOptions.defaults());

    assertThatThrownBy(() -> client.put(local, "/a.bin", PutOptions.defaults()))
        .isInstanceOfSatisfying(HiroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    FileStatus unchanged = cluster.master().file("/a.bin");
    assertThat(unchanged.getSizeBytes()).isEqualTo(10);
  }

  @Test
  void putAndGetTellTheirListenerOfEveryByteOnceEvenWhenAPieceIsSentAgain() throws IOException {
    cluster.master().minReplicas = 2;
    cluster.worker("w1").failWrites = true; // every piece goes to w1 first, then again to another chain
    Path local = localFile("a.bin", 150_000);
    List<long[]> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    client.put(local, "/a.bin", pieces(PIECE_BYTES), (done, total) -> seen.add(new long[] {done, total}));

    assertThat(seen).isNotEmpty().allSatisfy(p -> assertThat(p[1]).isEqualTo(150_000));
    assertThat(seen.getLast()[0]).isEqualTo(150_000);
    assertThat(seen).extracting(p -> p[0]).isSorted().allSatisfy(d -> assertThat(d).isBetween(1L, 150_000L));

    seen.clear();
    GetResult got = client.get("/a.bin", dir.resolve("back.bin"), (done, total) -> seen.add(new long[] {done, total}));
    assertThat(got.sizeBytes()).isEqualTo(150_000);
    assertThat(got.local()).isEqualTo(dir.resolve("back.bin").toAbsolutePath());
    assertThat(seen.getLast()).containsExactly(150_000, 150_000);
    assertThat(seen).extracting(p -> p[0]).isSorted();
  }
}
