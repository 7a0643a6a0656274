package io.hiro.worker.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.proto.ReplicaMeta;
import io.hiro.worker.store.DataDirLayout;
import io.hiro.worker.store.DiskPieceStore;
import io.hiro.worker.store.ForwardingPieceStore;
import io.hiro.worker.store.MemoryPieceStore;
import io.hiro.worker.store.PieceFile;
import io.hiro.worker.store.PieceStore;
import io.hiro.worker.store.PieceWrite;
import io.hiro.worker.store.ReplicaReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class ScrubberTest {
  private static final WorkerId SELF = new WorkerId("w-scrub");
  private static final long RATE_BYTES_PER_SECOND = 1024 * 1024;

  @TempDir Path dir;
  private final FakeClock clock = new FakeClock();
  private final RecordingMasterLink master = new RecordingMasterLink();
  private final ReplicaReporter reporter = new ReplicaReporter(SELF, master);

  private final List<DiskPieceStore> stores = new ArrayList<>();

  @AfterEach
  void stop() {
    reporter.close();
    stores.forEach(DiskPieceStore::close);
  }

  private DiskPieceStore open(DataDirLayout layout) {
    DiskPieceStore store = DiskPieceStore.open(layout, SELF, clock);
    stores.add(store);
    return store;
  }

  private static ReplicaMeta write(PieceStore store, long pieceId, byte[] bytes) {
    PieceWrite write = store.begin(ReplicaMeta.newBuilder().setPieceId(pieceId).setLength(bytes.length)
        .setPath("/docs/r.pdf").build());
    write.append(ByteBuffer.wrap(bytes));
    return write.commit();
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private Scrubber scrubber(PieceStore store) {
    return new Scrubber(SELF, store, new CorruptReplicas(SELF, store, reporter), RATE_BYTES_PER_SECOND,
        Duration.ofHours(24), clock, clock.sleeper());
  }

  @Test
  void scrubPassReadsEveryReplicaNoFasterThanItsRate() throws InterruptedException {
    MemoryPieceStore store = new MemoryPieceStore();
    long total = 0;
    for (int i = 0; i < 4; i++) {
      byte[] bytes = randomBytes(i == 3 ? 500_000 : 1024 * 1024, i);
      write(store, 100 + i, bytes);
      total += bytes.length;
    }
    Scrubber scrubber = scrubber(store);
    long startNanos = clock.instant().getEpochSecond() * 1_000_000_000L + clock.instant().getNano();

    scrubber.runPass();

    long endNanos = clock.instant().getEpochSecond() * 1_000_000_000L + clock.instant().getNano();
    double seconds = (endNanos - startNanos) / 1e9;
    double bytesPerSecond = total / seconds;
    assertThat(scrubber.progress().bytesChecked()).isEqualTo(total);
    assertThat(scrubber.progress().replicasChecked()).isEqualTo(4);
    assertThat(scrubber.progress().passesDone()).isEqualTo(1);
    assertThat(bytesPerSecond).isLessThanOrEqualTo(RATE_BYTES_PER_SECOND * 1.001)
        .isGreaterThan(RATE_BYTES_PER_SECOND * 0.95);
  }

  /** After a power loss the replicas stored last are the likeliest torn: a pass (one starts with the worker) checks them first. */
  @Test
  void aPassChecksTheReplicasStoredLastFirst() throws InterruptedException {
    MemoryPieceStore memory = new MemoryPieceStore();
    long[] storedAt = {1_000, 5_000, 3_000, 2_000, 4_000};
    for (int i = 0; i < storedAt.length; i++) {
      byte[] bytes = randomBytes(10_000, i);
      PieceWrite write = memory.begin(ReplicaMeta.newBuilder().setPieceId(1 + i).setLength(bytes.length)
          .setStoredAtMillis(storedAt[i]).build());
      write.append(ByteBuffer.wrap(bytes));
      write.commit();
    }
    List<Long> checked = new ArrayList<>();
    PieceStore store = new ForwardingPieceStore(memory) {
      @Override
      public ReplicaReader open(PieceId pieceId) {
        checked.add(pieceId.value());
        return super.open(pieceId);
      }
    };

    scrubber(store).runPass();

    assertThat(checked).containsExactly(2L, 5L, 3L, 4L, 1L);
  }

  @Test
  void scrubPassFindsAFlippedByteMovesTheReplicaAsideAndReportsIt() throws Exception {
    DataDirLayout layout = new DataDirLayout(dir);
    DiskPieceStore store = open(layout);
    byte[] bytes = randomBytes(2_500_000, 9); // three reads, each into the array of the one before
    write(store, 0x10, bytes);
    write(store, 0x20, bytes);
    Path bad = PieceFile.find(layout, new PieceId(0x20)).orElseThrow();
    try (FileChannel file = FileChannel.open(bad, StandardOpenOption.WRITE)) {
      file.write(ByteBuffer.wrap(new byte[] {(byte) (bytes[2_345_678] ^ 0x01)}), 2_345_678);
    }
    Scrubber scrubber = scrubber(store);
    reporter.start();

    scrubber.runPass();

    assertThat(scrubber.progress().corruptFound()).isEqualTo(1);
    assertThat(scrubber.progress().replicasChecked()).isEqualTo(1);
    assertThat(store.replicas()).extracting(ReplicaMeta::getPieceId).containsExactly(0x10L);
    assertThat(bad).doesNotExist();
    try (Stream<Path> files = Files.list(layout.corruptDir())) {
      assertThat(files.map(f -> f.getFileName().toString().replaceFirst("^\\d{13}-", "")))
          .containsExactly("0000000000000020-" + bad.getFileName());
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> master.reportedCorrupt(0x20));
    assertThat(master.reportedCorrupt(0x10)).isFalse();
  }

  @Test
  void secondPassOverAStoreWithoutCorruptionFindsNothing() throws InterruptedException, IOException {
    DiskPieceStore store = open(new DataDirLayout(dir));
    write(store, 0x30, randomBytes(300_000, 3));
    Scrubber scrubber = scrubber(store);

    scrubber.runPass();
    scrubber.runPass();

    assertThat(scrubber.progress().passesDone()).isEqualTo(2);
    assertThat(scrubber.progress().corruptFoundTotal()).isZero();
    assertThat(store.replicaCount()).isEqualTo(1);
  }
}
