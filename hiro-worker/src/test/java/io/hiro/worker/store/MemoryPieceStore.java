package io.hiro.worker.store;

import io.hiro.common.Checks;
import io.hiro.common.Crc32c;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.proto.ReplicaMeta;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link PieceStore} in memory, for core tests; it counts writes in flight so tests can see none leak. */
public final class MemoryPieceStore implements PieceStore {
  private final Map<PieceId, ReplicaMeta> metas = new ConcurrentHashMap<>();
  private final Map<PieceId, byte[]> datas = new ConcurrentHashMap<>();
  private final AtomicInteger writesInFlight = new AtomicInteger();
  /** Appends that would take a write past this many bytes fail as a full disk does. */
  public volatile long diskFullAfterBytes = Long.MAX_VALUE;

  public int writesInFlight() {
    return writesInFlight.get();
  }

  public byte[] bytes(PieceId pieceId) {
    return datas.get(pieceId);
  }

  @Override
  public PieceWrite begin(ReplicaMeta identity) {
    writesInFlight.incrementAndGet();
    return new PieceWrite() {
      private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      private final BlockChecksums checksums = new BlockChecksums();
      private boolean finished;

      @Override
      public void append(ByteBuffer data, BlockChecksums.Parts parts) {
        Checks.check(!finished, "append after end");
        Checks.require(bytes.size() + data.remaining() <= identity.getLength(), "too many bytes");
        if (bytes.size() + data.remaining() > diskFullAfterBytes) {
          throw HiroException.exhausted("worker w-mem: disk full while writing piece (No space left on device)");
        }
        checksums.update(data, parts);
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        bytes.writeBytes(copy);
      }

      @Override
      public long bytesWritten() {
        return bytes.size();
      }

      @Override
      public ReplicaMeta commit() {
        Checks.check(!finished, "commit after end");
        Checks.require(bytes.size() == identity.getLength(), "short");
        finished = true;
        writesInFlight.decrementAndGet();
        ReplicaMeta meta = checksums.finish(identity.toBuilder()).build();
        datas.put(new PieceId(meta.getPieceId()), bytes.toByteArray());
        metas.put(new PieceId(meta.getPieceId()), meta);
        return meta;
      }

      @Override
      public void abort() {
        if (!finished) {
          finished = true;
          writesInFlight.decrementAndGet();
        }
      }
    };
  }

  @Override
  public ReplicaReader open(PieceId pieceId) {
    ReplicaMeta meta = metas.get(pieceId);
    if (meta == null) {
      throw HiroException.notFound("no piece %s", pieceId);
    }
    byte[] data = datas.get(pieceId);
    return new ReplicaReader() {
      @Override
      public ReplicaMeta meta() {
        return meta;
      }

      @Override
      public Checksummed read(long offset, int length) {
        byte[] result = new byte[length];
        System.arraycopy(data, (int) offset, result, 0, length);
        return new Checksummed(result, 0, length, Crc32c.of(result, 0, length));
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public Optional<ReplicaMeta> meta(PieceId pieceId) {
    return Optional.ofNullable(metas.get(pieceId));
  }

  @Override
  public List<ReplicaMeta> replicas() {
    return new ArrayList<>(metas.values());
  }

  @Override
  public Optional<String> moveAsideCorrupt(ReplicaMeta replica) {
    PieceId pieceId = new PieceId(replica.getPieceId());
    if (!metas.remove(pieceId, replica)) {
      return Optional.empty();
    }
    datas.remove(pieceId);
    return Optional.of("memory");
  }

  @Override
  public boolean delete(ReplicaMeta replica) {
    PieceId pieceId = new PieceId(replica.getPieceId());
    boolean[] removed = new boolean[1];
    // By identity, as the disk store: a replica written again since is another object, even with equal fields.
    metas.computeIfPresent(pieceId, (id, listed) -> {
      removed[0] = listed == replica;
      return removed[0] ? null : listed;
    });
    if (removed[0]) {
      datas.remove(pieceId);
    }
    return removed[0];
  }

  @Override
  public long usedBytes() {
    return metas.values().stream().mapToLong(ReplicaMeta::getLength).sum();
  }

  @Override
  public int replicaCount() {
    return metas.size();
  }
}
