package io.hiro.master.core;

import io.hiro.common.HiroPath;
import io.hiro.common.HostPort;
import io.hiro.common.WorkerId;
import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.PieceOperation;
import io.hiro.common.security.PieceTokens;
import io.hiro.master.config.MasterConfig;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A master on a fake clock with fake workers that register, heartbeat and "store" what they are told.
 * Like a real worker, a fixture worker takes a delete only with a DELETE token for that piece: every
 * heartbeat checks each delete order's token, so every test that deletes checks the tokens too.
 */
public final class MasterFixture {
  public static final long GIB = 1L << 30;
  public static final long PIECE = 1L << 20;
  /** The secret the fixture's master signs piece tokens with. */
  public static final ClusterSecret SECRET = ClusterSecret.generate(new SecureRandom());
  /** What a worker holding {@link #SECRET} checks tokens with (no clock-skew tolerance: the clocks agree). */
  public static final PieceTokens TOKENS = new PieceTokens(SECRET, Duration.ZERO);
  public final FakeClock clock = new FakeClock();
  public final MasterConfig config;
  public final Master master;

  public MasterFixture() {
    this(MasterConfig.builder());
  }

  public MasterFixture(MasterConfig.Builder builder) {
    this.config = builder.dataDir(Path.of("unused")).defaultPieceSizeBytes(PIECE)
        .heartbeatInterval(Duration.ofSeconds(3)).deadAfter(Duration.ofSeconds(30)).build();
    this.master = new Master(config, clock, new SplittableRandom(42), null, TOKENS);
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

  /** Each worker's last answer id, which its next heartbeat sends back. */
  private final Map<WorkerId, Long> answerIds = new HashMap<>();

  public HeartbeatReply heartbeat(String id) {
    return heartbeat(id, false);
  }

  /** A heartbeat whose worker took in the last answer, or did not (it echoes no answer id). */
  public HeartbeatReply heartbeat(String id, boolean lastAnswerLost) {
    return withCheckedDeletes(heartbeat(new WorkerId(id), new WorkerUsage(4 * GIB, GIB, 3 * GIB), 0, lastAnswerLost));
  }

  /**
   * A heartbeat straight to the master, sending back the id of the worker's last answer as a worker
   * does once it took that answer in, or none ({@code lastAnswerLost}).
   */
  public HeartbeatReply heartbeat(WorkerId id, WorkerUsage usage, int deletesWaiting, boolean lastAnswerLost) {
    long echoed = lastAnswerLost ? 0 : answerIds.getOrDefault(id, 0L);
    HeartbeatReply reply = master.membership().heartbeat(id, usage, deletesWaiting, echoed);
    answerIds.put(id, reply.answerId());
    return reply;
  }

  /** {@code reply}, once each of its delete orders passed the check a worker makes now (else PERMISSION_DENIED). */
  public HeartbeatReply withCheckedDeletes(HeartbeatReply reply) {
    for (HeartbeatReply.DeleteOrder order : reply.deletes()) {
      TOKENS.verify(order.token(), order.pieceId(), Set.of(PieceOperation.DELETE), clock.instant());
    }
    return reply;
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
