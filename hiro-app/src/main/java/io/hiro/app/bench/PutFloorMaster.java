package io.hiro.app.bench;

import io.grpc.stub.StreamObserver;
import io.hiro.proto.CommitFileRequest;
import io.hiro.proto.CommitFileResponse;
import io.hiro.proto.CreateFileRequest;
import io.hiro.proto.CreateFileResponse;
import io.hiro.proto.FileStatus;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.PieceRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link PutFloorNode}'s master: CreateFile appends a record to a journal and answers without waiting
 * for it; CommitFile appends one and answers once it is fsynced, concurrent commits sharing one fsync.
 */
final class PutFloorMaster extends NamespaceServiceGrpc.NamespaceServiceImplBase {
  private final Journal journal;

  PutFloorMaster(Path dir) throws IOException {
    this.journal = new Journal(dir.resolve("journal"));
  }

  @Override
  public void createFile(CreateFileRequest request, StreamObserver<CreateFileResponse> response) {
    journal.append(PutFloorNode.META_BYTES);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    response.onNext(CreateFileResponse.newBuilder().setUploadId(random.nextLong()).setFileId(random.nextLong())
        .setReplication(request.getReplication()).setReplicationGranted(request.getReplication())
        .addPieces(PieceRef.newBuilder().setPieceId(random.nextLong()).setLength(request.getSizeBytes()))
        .build());
    response.onCompleted();
  }

  @Override
  public void commitFile(CommitFileRequest request, StreamObserver<CommitFileResponse> response) {
    try {
      journal.awaitDurable(journal.append(PutFloorNode.META_BYTES));
    } catch (IOException e) {
      response.onError(e);
      return;
    }
    response.onNext(CommitFileResponse.newBuilder().setFile(FileStatus.newBuilder().setPath("/floor")).build());
    response.onCompleted();
  }

  /** A journal with group commit: whoever fsyncs writes everything appended so far. */
  static final class Journal {
    private final FileChannel file;
    private final Object syncLock = new Object();
    private ByteBuffer pending = ByteBuffer.allocate(1 << 20);
    private long appended;
    private long durable;

    Journal(Path path) throws IOException {
      this.file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
    }

    synchronized long append(int bytes) {
      if (pending.remaining() < bytes) {
        ByteBuffer larger = ByteBuffer.allocate(pending.capacity() * 2);
        larger.put(pending.flip());
        pending = larger;
      }
      pending.put(new byte[bytes]);
      return ++appended;
    }

    void awaitDurable(long seq) throws IOException {
      synchronized (syncLock) {
        if (durable >= seq) {
          return;
        }
        ByteBuffer toWrite;
        long upTo;
        synchronized (this) {
          toWrite = pending.flip();
          pending = ByteBuffer.allocate(toWrite.capacity());
          upTo = appended;
        }
        while (toWrite.hasRemaining()) {
          file.write(toWrite);
        }
        file.force(false);
        durable = upTo;
      }
    }
  }
}
