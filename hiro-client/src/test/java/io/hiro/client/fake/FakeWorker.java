package io.hiro.client.fake;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.hiro.common.Crc32c;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.ReadPieceRequest;
import io.hiro.proto.ReadPieceResponse;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WholePiece;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker keeping replicas in memory. The primary "forwards" a piece by handing the bytes to the
 * downstream fakes directly; a worker told to fail writes answers UNAVAILABLE (as primary) or is
 * left out of the confirmations (downstream).
 */
public final class FakeWorker extends DataServiceGrpc.DataServiceImplBase {
  static final int READ_MESSAGE_BYTES = 48 * 1024;

  private final String id;
  private final String address;
  private final FakeCluster cluster;
  final Map<Long, byte[]> replicas = new ConcurrentHashMap<>();
  public final AtomicInteger writesStarted = new AtomicInteger();
  public final AtomicInteger readsStarted = new AtomicInteger();
  public volatile boolean failWrites;
  private final Set<Long> foundCorrupt = ConcurrentHashMap.newKeySet();
  /** Reads answered DATA_LOSS for a replica this worker {@link #findCorrupt found corrupt}. */
  public final AtomicInteger corruptAnswers = new AtomicInteger();
  /** Runs when a piece's header arrives, before it is stored. */
  public volatile Runnable onWriteHeader = () -> {};

  FakeWorker(String id, String address, FakeCluster cluster) {
    this.id = id;
    this.address = address;
    this.cluster = cluster;
  }

  public String id() {
    return id;
  }

  public WorkerRef ref() {
    return WorkerRef.newBuilder().setWorkerId(id).setAddress(address).build();
  }

  public boolean holds(long pieceId) {
    return replicas.containsKey(pieceId);
  }

  /**
   * Makes reads of the replica fail with DATA_LOSS after its first message, as a real worker's do
   * when its block checksums find the replica corrupt (it then moves it aside and reports it).
   */
  public void findCorrupt(long pieceId) {
    foundCorrupt.add(pieceId);
  }

  /** Flips one bit of the stored replica, as a bad disk would. */
  public void corrupt(long pieceId) {
    byte[] bytes = replicas.get(pieceId);
    bytes[bytes.length / 2] ^= 0x10;
  }

  @Override
  public StreamObserver<WritePieceRequest> writePiece(StreamObserver<WritePieceResponse> responses) {
    writesStarted.incrementAndGet();
    return new StreamObserver<>() {
      WritePieceHeader header;
      final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      boolean failed;

      @Override
      public void onNext(WritePieceRequest request) {
        if (failed) {
          return;
        }
        if (request.hasHeader()) {
          header = request.getHeader();
          onWriteHeader.run();
          if (failWrites) {
            fail(Status.UNAVAILABLE.withDescription("disk on fire"));
          }
          return;
        }
        PieceData data = request.getData();
        if (data.getOffset() != bytes.size()
            || Crc32c.of(data.getData().toByteArray(), 0, data.getData().size()) != data.getCrc32C()) {
          fail(Status.DATA_LOSS.withDescription("bad message at " + data.getOffset()));
          return;
        }
        bytes.writeBytes(data.getData().toByteArray());
      }

      private void fail(Status status) {
        failed = true;
        responses.onError(status.asRuntimeException());
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        store(header, bytes.toByteArray(), responses);
      }
    };
  }

  @Override
  public void writeWholePiece(WholePiece request, StreamObserver<WritePieceResponse> responses) {
    writesStarted.incrementAndGet();
    onWriteHeader.run();
    if (failWrites) {
      responses.onError(Status.UNAVAILABLE.withDescription("disk on fire").asRuntimeException());
      return;
    }
    PieceData data = request.getData();
    if (Crc32c.of(data.getData().toByteArray(), 0, data.getData().size()) != data.getCrc32C()) {
      responses.onError(Status.DATA_LOSS.withDescription("bad message").asRuntimeException());
      return;
    }
    store(request.getHeader(), data.getData().toByteArray(), responses);
  }

  /** Keeps the piece here and on the downstream fakes that are up, and answers as a primary. */
  private void store(WritePieceHeader header, byte[] piece, StreamObserver<WritePieceResponse> responses) {
    if (piece.length != header.getLength()) {
      responses.onError(Status.INVALID_ARGUMENT.withDescription("short piece").asRuntimeException());
      return;
    }
    replicas.put(header.getPieceId(), piece);
    List<String> stored = new ArrayList<>(List.of(id));
    List<String> failedIds = new ArrayList<>();
    for (WorkerRef next : header.getDownstreamList()) {
      FakeWorker worker = cluster.worker(next.getWorkerId());
      if (worker != null && !worker.failWrites && cluster.isUp(worker)) {
        worker.replicas.put(header.getPieceId(), piece.clone());
        stored.add(worker.id);
      } else {
        failedIds.add(next.getWorkerId());
      }
    }
    responses.onNext(WritePieceResponse.newBuilder().setPieceId(header.getPieceId())
        .setCrc32C(Crc32c.of(piece, 0, piece.length)).addAllStoredWorkerIds(stored)
        .addAllFailedWorkerIds(failedIds).build());
    responses.onCompleted();
  }

  @Override
  public void readPiece(ReadPieceRequest request, StreamObserver<ReadPieceResponse> responses) {
    readsStarted.incrementAndGet();
    if (cluster.checkReadTokens && !request.getToken().equals(cluster.readToken())) {
      responses.onError(Status.PERMISSION_DENIED.withDescription("piece token expired").asRuntimeException());
      return;
    }
    byte[] piece = replicas.get(request.getPieceId());
    if (piece == null) {
      responses.onError(Status.NOT_FOUND.withDescription("no replica").asRuntimeException());
      return;
    }
    for (int offset = 0; offset < piece.length; offset += READ_MESSAGE_BYTES) {
      int length = Math.min(READ_MESSAGE_BYTES, piece.length - offset);
      responses.onNext(ReadPieceResponse.newBuilder().setData(PieceData.newBuilder().setOffset(offset)
          .setData(ByteString.copyFrom(piece, offset, length)).setCrc32C(Crc32c.of(piece, offset, length))).build());
      if (foundCorrupt.contains(request.getPieceId())) {
        corruptAnswers.incrementAndGet();
        responses.onError(Status.DATA_LOSS.withDescription("worker " + id + ": replica of piece "
            + request.getPieceId() + " is corrupt (block 1 failed its CRC32C); read it from another replica")
            .asRuntimeException());
        return;
      }
    }
    responses.onCompleted();
  }
}
