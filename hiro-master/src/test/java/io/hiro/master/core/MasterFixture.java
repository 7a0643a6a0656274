package io.hiro.master.core;

import io.hiro.common.HiroPath;
import io.hiro.common.HostPort;
import io.hiro.common.WorkerId;
import io.hiro.master.config.MasterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** A master on a fake clock with fake workers that register, heartbeat and "store" what they are told. */
public final class MasterFixture {
  public static final long GIB = 1L << 30;
  public static final long PIECE = 1L << 20;
  public final FakeClock clock = new FakeClock();
  public final MasterConfig config;
  public final Master master;

  public MasterFixture() {
    this(MasterConfig.builder());
  }

  public MasterFixture(MasterConfig.Builder builder) {
    this.config = builder.dataDir(Path.of("unused")).defaultPieceSizeBytes(PIECE)
        .heartbeatInterval(Duration.ofSeconds(3)).deadAfter(Duration.ofSeconds(30)).build();
    this.master = new Master(config, clock, new SplittableRandom(42));
  }

  public WorkerId register(String id, String hostPort, long freeBytes, long... pieceIds) {
    WorkerId worker = new WorkerId(id);
    master.membership().register(new WorkerRegistration(worker, HostPort.parse(hostPort), 4 * GIB, freeBytes,
        4 * GIB - freeBytes, pieceIds));
    return worker;
  }

  /** Registers {@code count} workers w1..wN on distinct hosts with 1 GiB free each. */
  public void registerWorkers(int count) {
    for (int i = 1; i <= count; i++) {
      register("w" + i, "10.0.0." + i + ":5050", GIB);
    }
  }

  public HeartbeatReply heartbeat(String id) {
    return master.membership().heartbeat(new WorkerId(id), new WorkerUsage(4 * GIB, GIB, 3 * GIB));
  }

  /** A whole put: create, every chain worker confirms, commit. */
  public FileView put(String path, long sizeBytes, boolean overwrite) {
    UploadView upload = create(path, sizeBytes, overwrite);
    return commit(upload);
  }

  public FileView put(String path, long sizeBytes) {
    return put(path, sizeBytes, false);
  }

  public UploadView create(String path, long sizeBytes, boolean overwrite) {
    return master.uploads().createFile(HiroPath.parse(path), sizeBytes, 0, 0, overwrite);
  }

  public FileView commit(UploadView upload) {
    List<PieceCommit> pieces = upload.pieces().stream()
        .map(p -> new PieceCommit(p.index(), p.id(), p.lengthBytes(), 7,
            p.replicas().stream().map(WorkerAddress::id).toList()))
        .toList();
    return master.uploads().commitFile(upload.uploadId(), pieces, new byte[32]);
  }

  public static HiroPath path(String text) {
    return HiroPath.parse(text);
  }

  public static List<Long> ids(long[] pieceIds) {
    return Arrays.stream(pieceIds).boxed().toList();
  }
}
