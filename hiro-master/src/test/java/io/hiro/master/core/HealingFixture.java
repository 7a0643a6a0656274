package io.hiro.master.core;

import io.hiro.common.HostPort;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.master.config.MasterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A master on a fake clock with fake workers for the self-healing tests: each worker has its own free
 * space, heartbeats on demand, and collects the deletes (each checked for its token, as a worker does)
 * and copy orders it was handed.
 */
final class HealingFixture {
  static final long GIB = MasterFixture.GIB;
  static final long PIECE = MasterFixture.PIECE;
  final MasterFixture base;
  final Master master;
  final FakeClock clock;
  private final Map<String, Long> freeBytes = new HashMap<>();
  final Map<String, List<Long>> deletes = new HashMap<>();
  final Map<String, List<HeartbeatReply.CopyOrder>> orders = new HashMap<>();

  HealingFixture(MasterConfig.Builder builder) {
    this.base = new MasterFixture(builder.orphanGrace(Duration.ofMinutes(1)));
    this.master = base.master;
    this.clock = base.clock;
  }

  /** Registers a worker on its own host with {@code free} bytes free, holding the pieces given. */
  WorkerId register(String id, long free, long... pieceIds) {
    freeBytes.put(id, free);
    int host = Integer.parseInt(id.substring(1));
    return base.register(id, "10.0.0." + host + ":5050", free, pieceIds);
  }

  /** One heartbeat; its deletes and copy orders are added to what the worker collected. */
  HeartbeatReply heartbeat(String id) {
    return heartbeat(id, false);
  }

  /** One heartbeat whose worker took in the last answer, or did not (it echoes no answer id). */
  HeartbeatReply heartbeat(String id, boolean lastAnswerLost) {
    long free = freeBytes.getOrDefault(id, GIB);
    WorkerUsage usage = new WorkerUsage(4 * GIB, free, 4 * GIB - free);
    HeartbeatReply reply = base.withCheckedDeletes(base.heartbeat(new WorkerId(id), usage, 0, lastAnswerLost));
    reply.copies().forEach(o -> orders.computeIfAbsent(id, k -> new ArrayList<>()).add(o));
    for (long pieceId : reply.deletePieceIds()) {
      deletes.computeIfAbsent(id, k -> new ArrayList<>()).add(pieceId);
    }
    return reply;
  }

  void setFree(String id, long free) {
    freeBytes.put(id, free);
  }

  /** Lets {@code duration} pass in heartbeat-sized steps: the workers named heartbeat and the master sweeps. */
  void pass(Duration duration, String... alive) {
    long steps = Math.max(1, duration.toMillis() / 3000);
    for (long i = 0; i < steps; i++) {
      clock.advance(Duration.ofMillis(duration.toMillis() / steps));
      for (String id : alive) {
        heartbeat(id);
      }
      master.sweep();
    }
  }

  /** One sweep, then a heartbeat from each worker named; returns the copy orders handed out in it. */
  List<Order> sweepAndHeartbeat(String... workers) {
    master.sweep();
    List<Order> handedOut = new ArrayList<>();
    for (String id : workers) {
      for (HeartbeatReply.CopyOrder order : heartbeat(id).copies()) {
        handedOut.add(new Order(order.pieceId().value(), id, order.target().id().value()));
      }
    }
    return handedOut;
  }

  /** A copy order as a test reads it. */
  record Order(long pieceId, String source, String target) {}

  void stored(String worker, long pieceId) {
    master.membership().reportReplicas(new WorkerId(worker), new long[] {pieceId}, new long[0]);
  }

  void report(String worker, ReplicaChanges changes) {
    master.membership().reportReplicas(new WorkerId(worker), changes);
  }

  long piece(String path) {
    return master.stat(MasterFixture.path(path), true).pieces().getFirst().id().value();
  }

  List<String> holders(String path) {
    return master.stat(MasterFixture.path(path), true).pieces().getFirst().replicas().stream()
        .map(r -> r.id().value()).sorted().toList();
  }

  FsckView.FsckFile fsck(String path) {
    return master.fsck(MasterFixture.path(path)).files().stream()
        .filter(f -> f.path().toString().equals(path)).findFirst().orElse(null);
  }

  static ReplicaChanges.CopyFailure failure(long pieceId, String target) {
    return new ReplicaChanges.CopyFailure(new PieceId(pieceId), new WorkerId(target), "target unreachable");
  }

  static HostPort host(int n) {
    return HostPort.parse("10.0.0." + n + ":5050");
  }
}
