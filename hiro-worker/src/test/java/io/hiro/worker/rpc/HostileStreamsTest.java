package io.hiro.worker.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.hiro.common.HiroException;
import io.hiro.common.WorkerId;
import io.hiro.common.rpc.HostileMessages;
import io.hiro.common.rpc.PieceStreams;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.ReadPieceRequest;
import io.hiro.proto.ReadPieceResponse;
import io.hiro.proto.WholePiece;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceRequest;
import io.hiro.worker.core.PieceReads;
import io.hiro.worker.core.PieceWrites;
import io.hiro.worker.core.TestTokens;
import io.hiro.worker.store.DataDirLayout;
import io.hiro.worker.store.DiskPieceStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * A worker's data service, on a real piece store in a temp dir, fed hostile piece streams: headers
 * with hostile fields (tokens included; plausible headers carry a good token), data out of order, past the declared length, with wrong CRCs, a second
 * header, data before the header, whole pieces (WriteWholePiece) with any of these faults, and reads of pieces that exist and do not. Each stream must end
 * with a meaningful status code; a refused write must leave nothing behind (no replica, no temp
 * file); a replica is only ever stored with exactly the bytes sent.
 */
class HostileStreamsTest {
  private static final AtomicLong TRIED = new AtomicLong();
  private static final AtomicLong REFUSED = new AtomicLong();
  private static final long STORED_PIECE = 0x1234L;

  private Path root;
  private DataDirLayout layout;
  private DiskPieceStore store;
  private DataService service;
  private Server server;
  private ManagedChannel channel;

  @BeforeProperty
  void start() throws Exception {
    root = Files.createTempDirectory("hostile-worker-");
    layout = new DataDirLayout(root);
    WorkerId self = new WorkerId("w-self");
    store = DiskPieceStore.open(layout, self, Clock.systemUTC());
    PieceWrites writes = new PieceWrites(self, TestTokens.CHECK, store, meta -> {}, Duration.ofSeconds(1), 4);
    service = new DataService(writes, new PieceReads(TestTokens.CHECK, store, 1024), (worker, header) -> {
      throw HiroException.unavailable("worker %s is not reachable from this test", worker.getWorkerId());
    }, Duration.ofSeconds(5));
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(service.withAliasing()).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    assertThat(write(List.of(header(STORED_PIECE, 10), data(0, new byte[10])))).isEqualTo(Status.Code.OK);
  }

  @AfterProperty
  void stop() throws IOException {
    channel.shutdownNow();
    server.shutdownNow();
    service.close();
    store.close();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  @Property(tries = 400)
  void hostileWritesAndReadsGetAMeaningfulCodeAndARefusedWriteLeavesNothing(@ForAll long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> before = files(layout.piecesDir());
    Status.Code code;
    Supplier<String> what; // built only if an assertion fails: the requests can be large
    if (random.nextInt(4) == 0) {
      ReadPieceRequest hostile = HostileMessages.fill(ReadPieceRequest.getDefaultInstance(), random, STORED_PIECE);
      // Half the reads carry a good token, so the range checks behind the token check are reached too.
      ReadPieceRequest request = random.nextBoolean() ? hostile
          : hostile.toBuilder().setToken(TestTokens.read(hostile.getPieceId())).build();
      what = () -> "ReadPiece(" + request + ")";
      code = read(request);
    } else if (random.nextInt(3) == 0) {
      WholePiece piece = hostileWholePiece(random);
      what = () -> "WriteWholePiece(" + abbreviate(piece.toString()) + ")";
      code = writeWhole(piece);
    } else {
      List<WritePieceRequest> stream = hostileStream(random);
      what = () -> "WritePiece(" + describe(stream) + ")";
      code = write(stream);
    }
    TRIED.incrementAndGet();
    assertThat(code).as(what).isIn(HostileMessages.MEANINGFUL_CODES);
    assertThat(files(layout.tmpDir())).as(() -> "temp files after " + what.get()).isEmpty();
    if (code != Status.Code.OK) {
      REFUSED.incrementAndGet();
      assertThat(files(layout.piecesDir())).as(() -> "replicas after a refused " + what.get()).isEqualTo(before);
    }
    // A spare taken by a refused or cut write is deleted, not left empty: the empty ones stay within
    // what the store keeps idle (SpareFiles: fewer than 32 + 64 start a batch of 64).
    assertThat(emptyFiles(layout.piecesDir())).as(() -> "empty spares after " + what.get()).isLessThanOrEqualTo(32 + 2 * 64);
    assertThat(store.meta(new io.hiro.common.PieceId(STORED_PIECE))).isPresent();
  }

  @AfterContainer
  static void printFigures() {
    System.out.printf("hostile streams to a worker: %d tried, %d refused with a meaningful code, 0 with UNKNOWN or "
        + "INTERNAL, 0 refused writes that left a file%n", TRIED.get(), REFUSED.get());
  }

  /** A header (hostile, or plausible), then data in some hostile order. */
  private static List<WritePieceRequest> hostileStream(SplittableRandom random) {
    long pieceId = random.nextBoolean() ? random.nextLong() : STORED_PIECE;
    int length = random.nextInt(3) == 0 ? random.nextInt(3000) : 64;
    WritePieceHeader header = random.nextBoolean()
        ? HostileMessages.fill(WritePieceHeader.getDefaultInstance(), random, STORED_PIECE)
        : WritePieceHeader.newBuilder().setPieceId(pieceId).setLength(length).setToken(TestTokens.write(pieceId))
            .build();
    List<WritePieceRequest> stream = new java.util.ArrayList<>();
    if (random.nextInt(8) != 0) {
      stream.add(WritePieceRequest.newBuilder().setHeader(header).build());
    }
    long offset = 0;
    int messages = random.nextInt(5);
    for (int i = 0; i < messages; i++) {
      switch (random.nextInt(6)) {
        case 0 -> stream.add(WritePieceRequest.newBuilder()
            .setData(HostileMessages.fill(PieceData.getDefaultInstance(), random)).build());
        case 1 -> stream.add(WritePieceRequest.newBuilder().setHeader(header).build());
        case 2 -> stream.add(WritePieceRequest.newBuilder().setData(PieceData.newBuilder().setOffset(offset)
            .setData(ByteString.copyFrom(new byte[32])).setCrc32C(12345)).build());
        default -> {
          int sizeMax = (int) Math.max(1, Math.min(header.getLength(), 4096));
          byte[] bytes = new byte[1 + random.nextInt(sizeMax)];
          random.nextBytes(bytes);
          stream.add(data(offset, bytes));
          offset += bytes.length;
        }
      }
    }
    return stream;
  }

  /**
   * A whole piece: a header (hostile, plausible, or none), and data that is hostile, the piece's
   * bytes with a good CRC, those bytes one short or one over, with a wrong CRC, or none.
   */
  private static WholePiece hostileWholePiece(SplittableRandom random) {
    List<WritePieceRequest> stream = hostileStream(random);
    WholePiece.Builder piece = WholePiece.newBuilder();
    if (stream.isEmpty() || !stream.get(0).hasHeader()) {
      return piece.build();
    }
    WritePieceHeader header = stream.get(0).getHeader();
    piece.setHeader(header);
    int length = (int) Math.max(0, Math.min(header.getLength(), 4096));
    byte[] bytes = new byte[Math.max(0, length + random.nextInt(3) - 1)];
    random.nextBytes(bytes);
    switch (random.nextInt(5)) {
      case 0 -> piece.setData(HostileMessages.fill(PieceData.getDefaultInstance(), random));
      case 1 -> piece.setData(data(0, bytes).getData().toBuilder().setCrc32C(random.nextInt()));
      case 2 -> { } // no data
      default -> piece.setData(data(0, bytes).getData());
    }
    return piece.build();
  }

  /** The stream in a few lines: headers without long strings, data as offset, size and CRC. */
  private static String describe(List<WritePieceRequest> stream) {
    return stream.stream().map(request -> request.hasData()
        ? String.format("data(offset %d, %d bytes, crc %08x)", request.getData().getOffset(),
            request.getData().getData().size(), request.getData().getCrc32C())
        : "header(" + abbreviate(request.getHeader().toString()) + ")").toList().toString();
  }

  private static String abbreviate(String text) {
    return text.length() <= 500 ? text : text.substring(0, 500) + "...";
  }

  private static WritePieceRequest header(long pieceId, long length) {
    return WritePieceRequest.newBuilder().setHeader(WritePieceHeader.newBuilder().setPieceId(pieceId).setLength(length)
        .setToken(TestTokens.write(pieceId))).build();
  }

  private static WritePieceRequest data(long offset, byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return WritePieceRequest.newBuilder().setData(PieceData.newBuilder().setOffset(offset)
        .setData(ByteString.copyFrom(bytes)).setCrc32C((int) crc.getValue())).build();
  }

  private Status.Code write(List<WritePieceRequest> stream) {
    return PieceStreams.send(channel, stream, 10);
  }

  private Status.Code writeWhole(WholePiece piece) {
    try {
      DataServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).writeWholePiece(piece);
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private Status.Code read(ReadPieceRequest request) {
    try {
      Iterator<ReadPieceResponse> messages = DataServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS).readPiece(request);
      messages.forEachRemaining(m -> {});
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static long emptyFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> Files.isRegularFile(f) && f.toFile().length() == 0).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The files in {@code dir} that hold bytes: replicas, and writes not cleaned up; not spares. */
  private static List<String> files(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> Files.isRegularFile(f) && f.toFile().length() > 0).map(Path::toString).sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
