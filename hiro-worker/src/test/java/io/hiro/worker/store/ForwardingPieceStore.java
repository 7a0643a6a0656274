package io.hiro.worker.store;

import io.hiro.common.PieceId;
import io.hiro.proto.ReplicaMeta;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/** A store that passes every call to another: tests override what they watch or hold. */
public class ForwardingPieceStore implements PieceStore {
  protected final PieceStore delegate;

  public ForwardingPieceStore(PieceStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public PieceWrite begin(ReplicaMeta identity) {
    return delegate.begin(identity);
  }

  @Override
  public ReplicaReader open(PieceId pieceId) {
    return delegate.open(pieceId);
  }

  @Override
  public Optional<ReplicaMeta> meta(PieceId pieceId) {
    return delegate.meta(pieceId);
  }

  @Override
  public List<ReplicaMeta> replicas() {
    return delegate.replicas();
  }

  @Override
  public Optional<String> moveAsideCorrupt(ReplicaMeta replica) {
    return delegate.moveAsideCorrupt(replica);
  }

  @Override
  public boolean delete(ReplicaMeta replica) {
    return delegate.delete(replica);
  }

  @Override
  public long usedBytes() {
    return delegate.usedBytes();
  }

  @Override
  public int replicaCount() {
    return delegate.replicaCount();
  }

  /** A write that passes every call to another. */
  public static class ForwardingWrite implements PieceWrite {
    protected final PieceWrite delegate;

    public ForwardingWrite(PieceWrite delegate) {
      this.delegate = delegate;
    }

    @Override
    public void append(ByteBuffer bytes, BlockChecksums.Parts parts) {
      delegate.append(bytes, parts);
    }

    @Override
    public long bytesWritten() {
      return delegate.bytesWritten();
    }

    @Override
    public ReplicaMeta commit() {
      return delegate.commit();
    }

    @Override
    public void abort() {
      delegate.abort();
    }
  }

  /** A reader that passes every call to another, {@link ReplicaReader#releaseKept} too. */
  public static class ForwardingReader implements ReplicaReader {
    protected final ReplicaReader delegate;

    public ForwardingReader(ReplicaReader delegate) {
      this.delegate = delegate;
    }

    @Override
    public ReplicaMeta meta() {
      return delegate.meta();
    }

    @Override
    public Checksummed read(long offset, int length) {
      return delegate.read(offset, length);
    }

    @Override
    public Checksummed readTransient(long offset, int length) {
      return delegate.readTransient(offset, length);
    }

    @Override
    public void releaseKept() {
      delegate.releaseKept();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
