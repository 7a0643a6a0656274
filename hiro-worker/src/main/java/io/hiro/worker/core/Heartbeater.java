package io.hiro.worker.core;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.proto.CopyOrder;
import io.hiro.proto.HeartbeatRequest;
import io.hiro.proto.HeartbeatResponse;
import io.hiro.proto.RegisterRequest;
import io.hiro.proto.RegisterResponse;
import io.hiro.proto.ReplicaMeta;
import io.hiro.proto.ReplicaReport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a worker known to the master: registers with a full replica report (retrying with
 * backoff while the master is unreachable; the worker serves meanwhile), then heartbeats every
 * interval with its usage, and does what the answer asks: register again, delete replicas (handed
 * to {@link ReplicaDeletes}, which checks each order's DELETE token and deletes on a thread of its
 * own), copy replicas to other workers (handed to the copier): a heartbeat never waits for a
 * delete or a copy. Each heartbeat sends back the id of the last answer it handled in full; after a
 * failed call (or a fault in handling the answer) that is not the master's last answer, and the
 * master sends that answer's deletes again.
 *
 * <p>A master that refuses the worker (PERMISSION_DENIED: a wrong cluster secret, a certificate it
 * does not trust) {@value #REFUSALS_MAX} times in a row is not tried again: no retry can fix that,
 * and a few tries keep one odd failure from stopping a good worker. The loop ends and
 * {@code onRefused} gets the refusal, so the worker can stop with a clear error.
 *
 * <p>Invariants: WARN is logged once per change of the master's reachability, not per retry;
 * a registration carries at most {@link #REGISTER_REPLICAS_MAX} replicas, the rest follow as
 * replica reports, so no message grows without bound.
 */
public final class Heartbeater implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Heartbeater.class);
  public static final int REGISTER_REPLICAS_MAX = 100_000;
  private static final Duration RETRY_MIN = Duration.ofMillis(100);
  private static final Duration RETRY_MAX = Duration.ofSeconds(5);
  /** Refusals in a row after which the worker gives up. */
  static final int REFUSALS_MAX = 3;

  private final WorkerId self;
  private final String address;
  private final MasterLink master;
  private final Supplier<List<ReplicaMeta>> replicas;
  private final Supplier<WorkerUsage> usage;
  private final ReplicaDeletes deletes;
  private final ReplicaReporter reporter;
  private final Consumer<List<CopyOrder>> copies;
  private final Duration interval;
  private final Consumer<HiroException> onRefused;
  private final Pause pause = new Pause();
  private final Thread thread;
  private volatile boolean registered;
  private volatile Duration effectiveInterval;
  private boolean masterReachable = true;
  private int refusalsInARow;
  /** The id of the last answer handled in full, sent back in each heartbeat (heartbeat thread only). */
  private long lastAnswerId;
  private final AtomicLong heartbeatsSent = new AtomicLong();
  private final AtomicLong heartbeatsFailed = new AtomicLong();

  public Heartbeater(WorkerId self, String address, MasterLink master, Supplier<List<ReplicaMeta>> replicas,
      Supplier<WorkerUsage> usage, ReplicaDeletes deletes, ReplicaReporter reporter,
      Consumer<List<CopyOrder>> copies,
      Duration interval, Consumer<HiroException> onRefused) {
    this.self = self;
    this.address = address;
    this.master = master;
    this.replicas = replicas;
    this.usage = usage;
    this.deletes = deletes;
    this.reporter = reporter;
    this.copies = copies;
    this.interval = interval;
    this.onRefused = onRefused;
    this.effectiveInterval = interval;
    this.thread = Thread.ofPlatform().daemon().name("heartbeater-" + self).unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  public boolean registered() {
    return registered;
  }

  /** Heartbeats the master answered, since start (metrics). */
  public long heartbeatsSent() {
    return heartbeatsSent.get();
  }

  /** Heartbeats that failed (master unreachable or refusing), since start (metrics). */
  public long heartbeatsFailed() {
    return heartbeatsFailed.get();
  }

  private void run() {
    try {
      loop();
    } catch (Refused refused) {
      pause.close();
      onRefused.accept(refused.cause);
    }
  }

  private void loop() {
    Duration retry = RETRY_MIN;
    while (!pause.isClosed()) {
      if (!registered) {
        if (tryRegister()) {
          retry = RETRY_MIN;
        } else {
          pause.await(retry);
          retry = Pause.doubled(retry, RETRY_MAX);
          continue;
        }
      }
      if (!pause.await(effectiveInterval)) {
        return;
      }
      try {
        heartbeat();
      } catch (Refused refused) {
        throw refused;
      } catch (RuntimeException e) {
        // A fault in handling one answer must not end the heartbeats: the master would take this worker for dead.
        // Its answer's id is not sent back: the master sends that answer's delete orders again.
        LOG.error("{}: a heartbeat failed unexpectedly; the next one follows", self, e);
      }
    }
  }

  /** The master refused this worker: ends the loop. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient HiroException cause;

    Refused(HiroException cause) {
      super(cause.getMessage(), null, false, false);
      this.cause = cause;
    }
  }

  private boolean tryRegister() {
    // A replica whose delete is still under way is gone for the master already.
    List<ReplicaMeta> all = replicas.get().stream().filter(m -> !deletes.pending(new PieceId(m.getPieceId()))).toList();
    WorkerUsage now = usage.get();
    RegisterRequest.Builder request = RegisterRequest.newBuilder()
        .setWorkerId(self.value())
        .setAddress(address)
        .setCapacityBytes(now.capacityBytes())
        .setFreeBytes(now.freeBytes())
        .setUsedBytes(now.usedBytes());
    for (ReplicaMeta meta : all.subList(0, Math.min(all.size(), REGISTER_REPLICAS_MAX))) {
      request.addReplicas(reportOf(meta));
    }
    try {
      RegisterResponse response = master.register(request.build());
      reachable();
      long masterMillis = response.getHeartbeatIntervalMillis();
      effectiveInterval = masterMillis > 0 && masterMillis < interval.toMillis() ? Duration.ofMillis(masterMillis) : interval;
      registered = true;
      for (ReplicaMeta meta : all.subList(Math.min(all.size(), REGISTER_REPLICAS_MAX), all.size())) {
        reporter.stored(reportOf(meta));
      }
      LOG.info("{}: registered with master {} as {} with {} replicas; heartbeat every {} ms",
          self, master.describe(), address, all.size(), effectiveInterval.toMillis());
      return true;
    } catch (RuntimeException e) {
      unreachable(e);
      return false;
    }
  }

  private void heartbeat() {
    WorkerUsage now = usage.get();
    HeartbeatRequest request = HeartbeatRequest.newBuilder()
        .setWorkerId(self.value())
        .setCapacityBytes(now.capacityBytes())
        .setFreeBytes(now.freeBytes())
        .setUsedBytes(now.usedBytes())
        .setReplicaCount(now.replicaCount())
        .setDeletesWaiting(deletes.waiting())
        .setLastAnswerId(lastAnswerId)
        .build();
    HeartbeatResponse response;
    try {
      response = master.heartbeat(request);
      heartbeatsSent.incrementAndGet();
      reachable();
    } catch (RuntimeException e) {
      heartbeatsFailed.incrementAndGet();
      // The master may have answered with delete orders that never arrived: the next heartbeat sends back
      // the id of the answer before, and the master sends them again.
      unreachable(e);
      return;
    }
    if (response.getDeletesCount() > 0) {
      deletes.apply(response.getDeletesList());
    }
    if (response.getCopiesCount() > 0) {
      copies.accept(response.getCopiesList());
    }
    if (response.getRegisterAgain()) {
      LOG.info("{}: master {} does not know this worker; registering again", self, master.describe());
      registered = false;
    }
    lastAnswerId = response.getAnswerId();
  }

  private void reachable() {
    refusalsInARow = 0;
    if (!masterReachable) {
      LOG.info("{}: master {} reachable again", self, master.describe());
      masterReachable = true;
    }
  }

  private void unreachable(RuntimeException e) {
    boolean refused = e instanceof HiroException h && h.code() == ErrorCode.PERMISSION_DENIED;
    refusalsInARow = refused ? refusalsInARow + 1 : 0;
    if (refusalsInARow >= REFUSALS_MAX) {
      LOG.error("{}: master {} refused this worker {} times in a row: {}", self, master.describe(), refusalsInARow,
          e.getMessage());
      throw new Refused((HiroException) e);
    }
    if (masterReachable) {
      LOG.warn("{}: master {} unreachable ({}); still serving, retrying", self, master.describe(), e.getMessage());
      masterReachable = false;
    }
  }

  private static ReplicaReport reportOf(ReplicaMeta meta) {
    return ReplicaReport.newBuilder()
        .setPieceId(meta.getPieceId()).setLength(meta.getLength()).setCrc32C(meta.getCrc32C()).build();
  }

  /** Stops heartbeating, and the deletes it handed out that have not run yet. */
  @Override
  public void close() {
    pause.stop(thread);
    deletes.close();
  }
}
