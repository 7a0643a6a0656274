package io.hiro.master.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import io.hiro.common.HiroPath;
import io.hiro.common.HostPort;
import io.hiro.common.WorkerId;
import io.hiro.master.config.MasterConfig;
import io.hiro.master.core.FakeClock;
import io.hiro.master.core.FileView;
import io.hiro.master.core.Master;
import io.hiro.master.core.PieceCommit;
import io.hiro.master.core.UploadView;
import io.hiro.master.core.WorkerAddress;
import io.hiro.master.core.WorkerRegistration;
import io.hiro.proto.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Crashes the master at every write point of a scripted workload (journal appends, fsyncs, segment
 * rolls, checkpoint writes), recovers a new master from what the disk would hold, and checks that
 * exactly the acknowledged operations survived: all of them, plus at most the one in flight. An
 * opened upload is acknowledged without waiting for its record (the commit waits for it), so a
 * crash may also take back the uploads opened since the last call that waited, newest first.
 * Re-run a failure with {@code -Dhiro.seed=<the seed printed>}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JournalCrashTest {
  private static final long MIB = 1L << 20;
  /** Small records, so that every checkpoint is several of them: a crash can cut one between two. */
  private static final int CHECKPOINT_RECORD_BYTES = 64;
  static final MasterConfig CONFIG = MasterConfig.builder().dataDir(Path.of("unused"))
      .defaultPieceSizeBytes(MIB).checkpointEveryOperations(6).uploadExpiry(Duration.ofHours(1)).build();

  /**
   * The states a run may recover to: after the last call acknowledged as durable, after each call
   * since then that was acknowledged without waiting for its record (uploads opened), and with the
   * one in flight.
   */
  private record Run(Checkpoint durable, List<Checkpoint> later, int ackedCount) {
    boolean allows(Checkpoint recovered) {
      return recovered.equals(durable) || later.contains(recovered);
    }
  }

  @Test
  void exactlyTheAcknowledgedOperationsSurviveACrashAtEveryWritePoint() throws IOException {
    long seed = Long.getLong("hiro.seed", System.nanoTime());
    System.out.println("JournalCrashTest seed " + seed + " (re-run with -Dhiro.seed=" + seed + ")");
    Level level = quietLogs(Level.OFF);
    try {
      CrashingFiles probe = new CrashingFiles();
      Run full = run(probe, seed);
      assertThat(full.ackedCount()).isGreaterThan(WORKLOAD.size());
      long points = probe.points();
      System.out.println("JournalCrashTest: " + full.ackedCount() + " acknowledged calls, " + points
          + " write points, each crashed at twice (clean and torn)");
      assertThat(points).as("write points").isGreaterThan(50);
      assertThat(probe.list()).as("checkpoints were written").anyMatch(n -> n.startsWith("checkpoint-"));
      String checkpoint = probe.list().stream().filter(n -> Checkpoints.seqOf(n) > 0).findFirst().orElseThrow();
      assertThat(RecordFormat.scan(probe.read(checkpoint), Checkpoints.CHECKPOINT_BYTES_MAX).entries())
          .as("records in a checkpoint").hasSizeGreaterThan(2);
      int torn = 0;
      for (long n = 1; n <= points; n++) {
        for (boolean tear : new boolean[] {false, true}) {
          CrashingFiles files = new CrashingFiles(n, seed + n, tear);
          Run run = run(files, seed);
          Checkpoint recovered = recover(files.image(), seed);
          String where = "seed " + seed + ", crash at write point " + n + (tear ? " with a torn write" : "")
              + " after " + run.ackedCount() + " acknowledged operations";
          if (!run.allows(recovered)) {
            fail("recovered state is neither the acknowledged one nor it plus uploads opened since or the operation "
                + "in flight (" + where + ")\nrecovered: " + recovered + "\nacknowledged as durable: " + run.durable());
          }
          torn += tear ? 1 : 0;
        }
      }
      assertThat(torn).isPositive();
    } finally {
      quietLogs(level);
    }
  }

  /** Runs the workload until it ends or the files crash; returns the states to expect after recovery. */
  private static Run run(CrashingFiles files, long seed) {
    Checkpoint empty = Checkpoint.newBuilder().addEntries(io.hiro.proto.CheckpointEntry.newBuilder().setPath("/"))
        .build();
    MasterStore store;
    Master master;
    FakeClock clock = new FakeClock();
    try {
      store = MasterStore.open(files, CONFIG.checkpointEveryOperations(), Long.MAX_VALUE / 2, 0);
      store.checkpointRecordBytes(CHECKPOINT_RECORD_BYTES);
      master = new Master(CONFIG, clock, new SplittableRandom(seed), store);
    } catch (IOException | RuntimeException e) {
      return new Run(empty, List.of(), 0);
    }
    Context context = new Context(master, store, clock);
    for (Consumer<Context> step : WORKLOAD) {
      try {
        step.accept(context);
      } catch (RuntimeException e) {
        assertThat(files.crashed()).as("only a crash fails a step: %s", e).isTrue();
        List<Checkpoint> later = new ArrayList<>(context.sinceDurable);
        later.add(stateOf(store));
        return new Run(context.durable, later, context.ackedCount);
      }
    }
    return new Run(context.durable, List.copyOf(context.sinceDurable), context.ackedCount);
  }

  private static Checkpoint recover(CrashingFiles image, long seed) throws IOException {
    try (MasterStore store = MasterStore.open(image, CONFIG.checkpointEveryOperations(), Long.MAX_VALUE / 2, 0)) {
      new Master(CONFIG, new FakeClock(), new SplittableRandom(seed), store);
      return stateOf(store);
    }
  }

  private static Checkpoint stateOf(MasterStore store) {
    return store.snapshot().toBuilder().clearSeq().build();
  }

  /**
   * What the workload steps share: the master, the upload left open, the state after the last call
   * acknowledged as durable, and the states after each opened upload since (each master call is
   * one acknowledgement; a put is two: create and commit).
   */
  private static final class Context {
    final Master master;
    final MasterStore store;
    final FakeClock clock;
    Checkpoint durable;
    final List<Checkpoint> sinceDurable = new ArrayList<>();
    int ackedCount;
    UploadView open;

    Context(Master master, MasterStore store, FakeClock clock) {
      this.master = master;
      this.store = store;
      this.clock = clock;
      this.durable = stateOf(store);
    }

    <T> T call(java.util.function.Supplier<T> call) {
      T result = call.get();
      durable = stateOf(store);
      sinceDurable.clear();
      ackedCount++;
      return result;
    }

    /** A call whose record a crash may still take back: the next call that waits makes it durable. */
    <T> T callDurableLater(java.util.function.Supplier<T> call) {
      T result = call.get();
      sinceDurable.add(stateOf(store));
      ackedCount++;
      return result;
    }

    void run(Runnable call) {
      call(() -> {
        call.run();
        return null;
      });
    }

    void register(String id, int host) {
      call(() -> master.membership().register(new WorkerRegistration(new WorkerId(id),
          HostPort.parse("10.0.0." + host + ":5050"), 1L << 40, 1L << 39, 1L << 39, new long[0])));
    }

    UploadView create(String path, long sizeBytes, boolean overwrite) {
      return callDurableLater(() -> master.uploads().createFile(HiroPath.parse(path), sizeBytes, 0, 0, overwrite));
    }

    FileView commit(UploadView upload) {
      List<PieceCommit> pieces = upload.pieces().stream()
          .map(p -> new PieceCommit(p.index(), p.id(), p.lengthBytes(), 7 + p.index(),
              p.replicas().stream().map(WorkerAddress::id).toList()))
          .toList();
      byte[] sha256 = new byte[32];
      sha256[0] = (byte) upload.uploadId();
      return call(() -> master.uploads().commitFile(upload.uploadId(), pieces, sha256));
    }

    void put(String path, long sizeBytes, boolean overwrite) {
      commit(create(path, sizeBytes, overwrite));
    }
  }

  /** mkdir, create+commit, overwrite, delete, move, abort, a chain reassigned, uploads expired by the sweep. */
  private static final List<Consumer<Context>> WORKLOAD = List.of(
      c -> c.register("w1", 1),
      c -> c.register("w2", 2),
      c -> c.register("w3", 3),
      c -> c.run(() -> c.master.mkdir(HiroPath.parse("/a"), false)),
      c -> c.run(() -> c.master.mkdir(HiroPath.parse("/a/b/c"), true)),
      c -> c.put("/a/f1", 5 * MIB / 2, false),
      c -> c.put("/a/b/f2", 1, false),
      c -> c.put("/a/f1", 3 * MIB, true),
      c -> c.open = c.create("/x/open", 2 * MIB, false),
      c -> c.call(() -> c.master.uploads().allocateChain(c.open.uploadId(), 0,
          Set.of(c.open.pieces().getFirst().replicas().getFirst().id()))),
      c -> c.run(() -> c.master.move(HiroPath.parse("/a/b"), HiroPath.parse("/moved"))),
      c -> c.run(() -> c.master.delete(HiroPath.parse("/a/f1"), false)),
      c -> {
        long uploadId = c.create("/y", MIB, false).uploadId();
        c.run(() -> c.master.uploads().abortUpload(uploadId));
      },
      c -> c.put("/empty", 0, false),
      c -> c.register("w4", 4),
      c -> c.run(() -> c.master.mkdir(HiroPath.parse("/d"), false)),
      c -> c.run(() -> c.master.delete(HiroPath.parse("/moved"), true)),
      c -> c.put("/d/z", 3 * MIB + 1, false),
      c -> c.run(() -> c.master.move(HiroPath.parse("/d/z"), HiroPath.parse("/a"))),
      // Each sweep expires one upload: a sweep that expires several journals one record per upload,
      // and a crash may keep some of them (each is a whole operation; the oracle counts calls).
      c -> c.clock.advance(Duration.ofMinutes(30)),
      c -> c.register("w1", 1),
      c -> c.register("w2", 2),
      c -> c.create("/x/expires", MIB, false),
      c -> c.clock.advance(Duration.ofMinutes(31)),
      c -> c.run(c.master::sweep),
      c -> c.clock.advance(Duration.ofMinutes(30)),
      c -> c.run(c.master::sweep),
      c -> c.register("w1", 1),
      c -> c.register("w2", 2),
      c -> c.put("/a/z", MIB, true));

  private static Level quietLogs(Level level) {
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.hiro");
    Level before = logger.getLevel();
    logger.setLevel(level);
    return before;
  }

  static List<String> sorted(List<String> names) {
    List<String> copy = new ArrayList<>(names);
    copy.sort(null);
    return copy;
  }
}
