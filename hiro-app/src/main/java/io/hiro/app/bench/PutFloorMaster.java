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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * {@link PutFloorNode}'s master: CreateFile appends a record to a journal and answers without waiting
 * for it; CommitFile appends one and is answered once it is fsynced, by the journal's own thread,
 * concurrent commits sharing one fsync.
 */
final class PutFloorMaster extends NamespaceServiceGrpc.NamespaceServiceImplBase {
  private final Journal journal;

  PutFloorMaster(Path dir) throws IOException {
    this.journal = new Journal(dir.resolve("journal"));
  }

  /** Runs on the network thread ({@link PutFloorNode#NETWORK_THREAD_METHODS}), as Hiro's does. */
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

  /** Runs on the network thread ({@link PutFloorNode#NETWORK_THREAD_METHODS}); the journal's thread answers. */
  @Override
  public void commitFile(CommitFileRequest request, StreamObserver<CommitFileResponse> response) {
    journal.appendThen(PutFloorNode.META_BYTES, failure -> {
      if (failure != null) {
        response.onError(failure);
        return;
      }
      response.onNext(CommitFileResponse.newBuilder().setFile(FileStatus.newBuilder().setPath("/floor")).build());
      response.onCompleted();
    });
  }

  /**
   * A journal with group commit: a thread of its own writes everything appended so far with one
   * fsync, then runs what waited for it.
   */
  static final class Journal {
    private final FileChannel file;
    private ByteBuffer pending = ByteBuffer.allocate(1 << 20);
    private List<Consumer<IOException>> waiting = new ArrayList<>();

    Journal(Path path) throws IOException {
      this.file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
      Thread.ofPlatform().daemon().name("bench-journal").start(this::syncForever);
    }

    synchronized void append(int bytes) {
      if (pending.remaining() < bytes) {
        ByteBuffer larger = ByteBuffer.allocate(pending.capacity() * 2);
        larger.put(pending.flip());
        pending = larger;
      }
      pending.put(new byte[bytes]);
    }

    /** Appends {@code bytes} and runs {@code then} on the journal's thread once they are durable (with null), or failed. */
    synchronized void appendThen(int bytes, Consumer<IOException> then) {
      append(bytes);
      waiting.add(then);
      notifyAll();
    }

    private void syncForever() {
      ByteBuffer spare = ByteBuffer.allocate(pending.capacity());
      while (true) {
        ByteBuffer toWrite;
        List<Consumer<IOException>> batch;
        synchronized (this) {
          while (waiting.isEmpty()) {
            try {
              wait();
            } catch (InterruptedException e) {
              return;
            }
          }
          toWrite = pending.flip();
          pending = spare.capacity() >= toWrite.capacity() ? spare.clear() : ByteBuffer.allocate(toWrite.capacity());
          batch = waiting;
          waiting = new ArrayList<>();
        }
        IOException failure = null;
        try {
          while (toWrite.hasRemaining()) {
            file.write(toWrite);
          }
          file.force(false);
        } catch (IOException e) {
          failure = e;
        }
        spare = toWrite;
        for (Consumer<IOException> then : batch) {
          then.accept(failure);
        }
      }
    }
  }
}
