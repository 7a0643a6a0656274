package io.hiro.worker.core;

import io.hiro.common.Checks;
import io.hiro.common.HiroException;
import io.hiro.common.Limits;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.proto.PieceData;
import io.hiro.proto.ReplicaMeta;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WritePieceHeader;
import io.hiro.worker.store.PieceStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits incoming pieces, streamed or whole: checks the header's piece token first
 * (PERMISSION_DENIED without a WRITE or COPY token from the master for that piece), then the header,
 * bounds how many run at once, refuses a piece the disk has no room for (RESOURCE_EXHAUSTED), all
 * before anything is written or forwarded, and starts a {@link ChainWriter} with its downstream
 * stream (the rest of the chain, which gets the same header token and checks it again) and its
 * local write: begun at once for a stream, and for a whole piece only once it was passed on.
 */
public final class PieceWrites {
  /** Piece streams a worker takes at once; one more is RESOURCE_EXHAUSTED. */
  public static final int INCOMING_PIECE_STREAMS_MAX = 32;
  /** How long a worker waits for its downstream's answer once it sent the last byte. */
  public static final Duration DOWNSTREAM_ANSWER_WAIT = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(PieceWrites.class);

  private final WorkerId self;
  private final PieceTokenCheck tokens;
  private final PieceStore store;
  private final Consumer<ReplicaMeta> onStored;
  private final Duration downstreamAnswerWait;
  private final int streamsMax;
  private final Semaphore streams;
  private final SpaceBudget space;
  private final Deadlines deadlines = new Deadlines();

  public PieceWrites(WorkerId self, PieceTokenCheck tokens, PieceStore store, SpaceBudget space,
      Consumer<ReplicaMeta> onStored) {
    this(self, tokens, store, space, onStored, DOWNSTREAM_ANSWER_WAIT, INCOMING_PIECE_STREAMS_MAX);
  }

  /** Admits pieces of any size (tests of other things). */
  public PieceWrites(WorkerId self, PieceTokenCheck tokens, PieceStore store, Consumer<ReplicaMeta> onStored,
      Duration downstreamAnswerWait, int streamsMax) {
    this(self, tokens, store, SpaceBudget.unlimited(self), onStored, downstreamAnswerWait, streamsMax);
  }

  public PieceWrites(WorkerId self, PieceTokenCheck tokens, PieceStore store, SpaceBudget space,
      Consumer<ReplicaMeta> onStored, Duration downstreamAnswerWait, int streamsMax) {
    this.self = self;
    this.tokens = tokens;
    this.store = store;
    this.space = space;
    this.onStored = onStored;
    this.downstreamAnswerWait = downstreamAnswerWait;
    this.streamsMax = streamsMax;
    this.streams = new Semaphore(streamsMax);
  }

  /** Starts a piece; the caller must end the writer with finish or abort, which frees its slot. */
  public ChainWriter open(WritePieceHeader header, ReplicaSinkFactory downstream) {
    ChainWriter writer = admit(header, downstream);
    writer.beginLocal(); // aborts the piece, freeing its slot, when it throws
    return writer;
  }

  /**
   * Admits a piece: the token, the header, a slot and the room on disk, in that order, and the
   * downstream to pass it on to; nothing is written yet. The caller must end the writer with finish,
   * storeWhole or abort, which frees its slot.
   */
  private ChainWriter admit(WritePieceHeader header, ReplicaSinkFactory downstream) {
    PieceId pieceId = new PieceId(header.getPieceId());
    try {
      tokens.check(header.getToken().toByteArray(), pieceId, PieceTokenCheck.WRITE_OR_COPY);
    } catch (HiroException refused) {
      LOG.warn("{}: refused a write of piece {}: {}", self, pieceId, refused.getMessage());
      throw refused;
    }
    checkHeader(header);
    if (!streams.tryAcquire()) {
      throw HiroException.exhausted("worker %s is receiving %d pieces already; retry piece %s later",
          self, streamsMax, pieceId);
    }
    Runnable giveBack = () -> {};
    try {
      giveBack = space.promise(pieceId, header.getLength());
      ReplicaMeta identity = identityOf(header);
      ReplicaSink sink = header.getDownstreamCount() == 0 ? null
          : downstream.connect(header.getDownstream(0), headerForNext(header));
      Runnable release = releaseBoth(giveBack);
      return new ChainWriter(self, header, () -> store.begin(identity), sink, downstreamAnswerWait, deadlines, onStored,
          release);
    } catch (RuntimeException e) {
      giveBack.run();
      streams.release();
      throw e;
    }
  }

  /**
   * A piece that came whole in one message ({@code data} null for an empty piece), on the network
   * thread that received it: the same admission and checks as a stream's, then the piece passed on
   * down the chain at once ({@link ChainWriter#passOnWhole}). Nothing is written here: the caller
   * then stores it with {@link ChainWriter#storeWhole} on a thread that may wait for the disk (which
   * returns the chain's answer as {@link ChainWriter#finish} does), or aborts it. Throws, with
   * nothing kept or passed on, when the piece is refused.
   */
  public ChainWriter passOnWhole(WritePieceHeader header, PieceData data, ReplicaSinkFactory downstream) {
    ChainWriter writer = admit(header, downstream); // the token is checked first, as for a stream
    long sentBytes = data == null ? 0 : data.getData().size();
    if (sentBytes != header.getLength()) {
      HiroException refused = HiroException.invalid(
          "piece %s: a whole piece carries all its %d bytes, not %d; send it as a stream (WritePiece)",
          writer.pieceId(), header.getLength(), sentBytes);
      writer.abort(refused.getMessage());
      throw refused;
    }
    writer.passOnWhole(data); // aborts the piece when it throws
    return writer;
  }

  private Runnable releaseBoth(Runnable giveBackSpace) {
    return () -> {
      giveBackSpace.run();
      streams.release();
    };
  }

  private void checkHeader(WritePieceHeader header) {
    PieceId pieceId = new PieceId(header.getPieceId());
    Checks.require(header.getLength() >= 0 && header.getLength() <= Limits.PIECE_SIZE_MAX_BYTES,
        "piece %s: length %d is not between 0 and %d", pieceId, header.getLength(), Limits.PIECE_SIZE_MAX_BYTES);
    Checks.require(header.getDownstreamCount() < Limits.REPLICATION_MAX,
        "piece %s: a chain of %d workers is longer than %d", pieceId, header.getDownstreamCount() + 1,
        Limits.REPLICATION_MAX);
    Checks.require(header.getPath().length() <= Limits.PATH_LENGTH_MAX, "piece %s: path too long", pieceId);
    Set<WorkerId> seen = new HashSet<>();
    seen.add(self);
    for (WorkerRef worker : header.getDownstreamList()) {
      Checks.require(seen.add(new WorkerId(worker.getWorkerId())),
          "piece %s: worker %s appears twice in the chain (or is this worker)", pieceId, worker.getWorkerId());
    }
  }

  private static ReplicaMeta identityOf(WritePieceHeader header) {
    return ReplicaMeta.newBuilder()
        .setPieceId(header.getPieceId())
        .setLength(header.getLength())
        .setFileId(header.getFileId())
        .setIndex(header.getIndex())
        .setVersion(header.getVersion())
        .setPath(header.getPath())
        .build();
  }

  private static WritePieceHeader headerForNext(WritePieceHeader header) {
    return header.toBuilder()
        .clearDownstream()
        .addAllDownstream(header.getDownstreamList().subList(1, header.getDownstreamCount()))
        .build();
  }

  /**
   * Ends every wait for a downstream's answer that is past {@link #DOWNSTREAM_ANSWER_WAIT} (or the
   * wait given): the worker's data service runs this from its periodic sweep.
   */
  public void expireOverdueAnswers() {
    deadlines.expire();
  }

  /** Waits for a downstream's answer not yet ended (for tests). */
  public int answersAwaited() {
    return deadlines.waiting();
  }

  /** Piece streams running now. */
  public int streamsInUse() {
    return streamsMax - streams.availablePermits();
  }
}
