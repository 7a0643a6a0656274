package io.hiro.client.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.client.HiroClient;
import io.hiro.client.PutOptions;
import io.hiro.client.fake.FakeCluster;
import io.hiro.client.rpc.MasterCalls;
import io.hiro.client.rpc.WorkerChannels;
import io.hiro.proto.FileStatus;
import io.hiro.proto.PieceRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A get whose pieces are over a quarter of the heap (here a heap said to be 1 MiB): one piece at a
 * time, each message written and hashed as it comes, and a replica that fails part-way or at once
 * leaves none of its bytes in the file or the digest.
 */
class StreamedGetTest {
  private static final int PIECE_BYTES = 300_000; // several of the fake worker's 48 KiB messages

  @TempDir Path dir;
  private FakeCluster cluster;
  private HiroClient client;
  private Downloader streaming;

  @BeforeEach
  void start() {
    cluster = new FakeCluster(3);
    client = cluster.client();
    streaming = new Downloader(new MasterCalls(cluster.masterChannel(), "master fake"),
        new WorkerChannels(cluster.workerChannels()), () -> 1 << 20);
  }

  @AfterEach
  void stop() {
    client.close();
    cluster.close();
  }

  @Test
  void aReplicaThatFailsPartWayOrAtOnceLeavesNoneOfItsBytesInTheFile() throws Exception {
    byte[] content = new byte[3 * PIECE_BYTES + 1234];
    new Random(5).nextBytes(content);
    Path local = Files.write(dir.resolve("a.bin"), content);
    client.put(local, "/a.bin", new PutOptions(3, PIECE_BYTES, false));
    FileStatus file = cluster.master().file("/a.bin");
    PieceRef second = file.getPieces(1);
    PieceRef third = file.getPieces(2);
    long firstPieceId = file.getPieces(0).getPieceId();
    // piece 1's first replica sends one message, then fails; piece 2's first replica's worker is down
    cluster.worker(ReplicaOrder.forRead(second, firstPieceId).getFirst().getWorkerId()).findCorrupt(second.getPieceId());
    cluster.stop(cluster.worker(ReplicaOrder.forRead(third, firstPieceId).getFirst().getWorkerId()));
    long[] progress = {0, 0};

    streaming.get("/a.bin", dir.resolve("back.bin"), (done, total) -> {
      assertThat(done).isGreaterThanOrEqualTo(progress[0]);
      progress[0] = done;
      progress[1] = total;
    });

    assertThat(Files.readAllBytes(dir.resolve("back.bin"))).isEqualTo(content);
    assertThat(progress).containsExactly(content.length, content.length);
  }
}
