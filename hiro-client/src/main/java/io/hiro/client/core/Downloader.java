package io.hiro.client.core;

import io.hiro.client.GetResult;
import io.hiro.client.ProgressListener;
import io.hiro.client.rpc.MasterCalls;
import io.hiro.client.rpc.PieceReadCall.PieceSink;
import io.hiro.client.rpc.WorkerChannels;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.HiroPath;
import io.hiro.proto.FileStatus;
import io.hiro.proto.PieceRef;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets a file: Stat at the master (which hands out the read tokens), then its pieces in order into
 * a temp file beside the destination ({@link DownloadFile}), hashed into the whole-file SHA-256 as
 * they are written: whole verified pieces, the next ones fetched meanwhile ({@link ReadAhead}), or,
 * for pieces over a quarter of the heap, each message as it comes. Read tokens that expire
 * meanwhile are renewed ({@link ReadTokens}).
 * Invariant: the destination appears, by an atomic rename, only with verified bytes; on any failure
 * the temp file is deleted and the destination is untouched.
 */
public final class Downloader {
  private static final Logger LOG = LoggerFactory.getLogger(Downloader.class);
  /**
   * The most {@link #cat} hands its stream in one write. A {@code FileOutputStream} copies each
   * write of over 8 KiB into memory it allocates for it: a whole piece of 64 MiB was mapped,
   * touched page by page and unmapped each time, 3.8 s of CPU per GiB streamed to stdout on a
   * 2-core VM (session 25).
   */
  public static final int CAT_WRITE_BYTES = 1 << 20;

  private final MasterCalls master;
  private final PieceFetcher fetcher;
  /** The most heap the pieces held may take a share of: the JVM's, or a test's. */
  private final LongSupplier heapMaxBytes;
  /** The arrays pieces are read into, kept from one get or cat to the next. */
  private final PieceBuffers pieceBuffers = new PieceBuffers(ReadAhead.BUFFERS_MAX);

  public Downloader(MasterCalls master, WorkerChannels workers) {
    this(master, workers, () -> Runtime.getRuntime().maxMemory());
  }

  Downloader(MasterCalls master, WorkerChannels workers, LongSupplier heapMaxBytes) {
    this.heapMaxBytes = heapMaxBytes;
    this.master = master;
    this.fetcher = new PieceFetcher(master, workers);
  }

  /** Gets {@code remotePath} into {@code local}, or into {@code local/<name>} if {@code local} is a directory. */
  public GetResult get(String remotePath, Path local) {
    return get(remotePath, local, ProgressListener.NONE);
  }

  /** As {@link #get(String, Path)}, telling {@code listener} of the bytes received as they come. */
  public GetResult get(String remotePath, Path local, ProgressListener listener) {
    HiroPath path = HiroPath.parse(remotePath);
    FileStatus file = statFile(path);
    ReadTokens tokens = new ReadTokens(path, file, this::statFile);
    Path destination = Files.isDirectory(local) ? local.resolve(path.name()) : local;
    Path parent = destination.toAbsolutePath().getParent();
    if (!Files.isDirectory(parent)) {
      throw HiroException.notFound("local directory %s does not exist; create it first", parent);
    }
    Path temp = parent.resolve("." + destination.getFileName() + ".hiro-"
        + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + ".part");
    try {
      List<PieceRef> pieces = file.getPiecesList();
      try (DownloadFile out = DownloadFile.create(temp, pieces, true)) {
        TransferProgress progress = new TransferProgress(listener, file.getSizeBytes(), pieces.size());
        // The file is written as it is hashed, from the same bytes: a get that read the file back for
        // its hash moved every byte over the disk twice, and was bound by the disk at ~330 MB/s on a
        // VM whose disk writes ~570 (session 29).
        long longest = longest(file);
        long heap = heapMaxBytes.getAsLong();
        byte[] sha256 = ReadAhead.fitsInHeap(longest, heap)
            ? fetchWholePieces(file, tokens, out, progress, ReadAhead.buffersFor(longest, heap))
            : streamPieces(file, tokens, out, progress);
        checkSha256(file, sha256);
        out.forceAll();
      }
      Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return new GetResult(file.getPath(), destination.toAbsolutePath(), file.getSizeBytes());
    } catch (IOException | UncheckedIOException e) {
      deleteQuietly(temp);
      Throwable cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
      throw new HiroException(ErrorCode.UNAVAILABLE, "cannot write local file " + destination + ": " + cause, e);
    } catch (RuntimeException | Error e) {
      deleteQuietly(temp);
      throw e;
    }
  }

  /**
   * A get's pieces whole, in order, the next ones fetched meanwhile ({@link ReadAhead}), each hashed
   * as its bytes arrive and written once whole. Returns the file's SHA-256.
   */
  private byte[] fetchWholePieces(FileStatus file, ReadTokens tokens, DownloadFile out, TransferProgress progress,
      int buffers) throws IOException {
    InOrderDigest digest = new InOrderDigest();
    ReadAhead.runFollowing(file.getPiecesList(), buffers, pieceBuffers,
        (piece, into, reached) -> fetcher.fetch(file, piece, PieceSink.array(into, end -> {
          reached.accept(end);
          progress.reached((int) piece.getIndex(), end);
        }), tokens::renew),
        (piece, bytes, from, to) -> digest.take(from, ByteBuffer.wrap(bytes, from, to - from)),
        (piece, bytes, length) -> {
          digest.pieceDone();
          // The disk writes this piece while the next ones are fetched and hashed.
          return out.write(piece, bytes, length);
        });
    return digest.digest();
  }

  /**
   * A get's pieces too large to hold (over a quarter of the heap): one at a time, each message
   * written and hashed as it comes, so memory stays bounded by flow control. Returns the file's SHA-256.
   */
  private byte[] streamPieces(FileStatus file, ReadTokens tokens, DownloadFile out, TransferProgress progress)
      throws IOException {
    InOrderDigest digest = new InOrderDigest();
    for (PieceRef piece : file.getPiecesList()) {
      DownloadFile.PieceStream stream = out.stream(piece);
      fetcher.fetch(file, piece, (offset, data) -> {
        long end = offset + data.remaining();
        digest.take(offset, data.duplicate());
        try {
          stream.write(offset, data);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        progress.reached((int) piece.getIndex(), end);
      }, tokens::renew);
      stream.finish();
      digest.pieceDone();
    }
    return digest.digest();
  }

  /**
   * Streams {@code remotePath} to {@code out} in order, one verified piece at a time, the next
   * pieces fetched meanwhile ({@link ReadAhead}), each hashed as its bytes arrive.
   */
  public void cat(String remotePath, OutputStream out) {
    HiroPath path = HiroPath.parse(remotePath);
    FileStatus file = statFile(path);
    ReadTokens tokens = new ReadTokens(path, file, this::statFile);
    InOrderDigest digest = new InOrderDigest();
    long longest = longest(file);
    long heap = heapMaxBytes.getAsLong();
    ReadAhead.checkHeapHolds(file.getPath(), longest, heap);
    try {
      ReadAhead.runFollowing(file.getPiecesList(), ReadAhead.buffersFor(longest, heap), pieceBuffers,
          (piece, into, reached) -> fetcher.fetch(file, piece, PieceSink.array(into, reached), tokens::renew),
          (piece, bytes, from, to) -> digest.take(from, ByteBuffer.wrap(bytes, from, to - from)),
          (piece, bytes, length) -> {
            digest.pieceDone();
            for (int offset = 0; offset < length; offset += CAT_WRITE_BYTES) {
              out.write(bytes, offset, Math.min(CAT_WRITE_BYTES, length - offset));
            }
            return null;
          });
      out.flush();
    } catch (IOException e) {
      throw new HiroException(ErrorCode.UNAVAILABLE, "cannot write the output of cat " + remotePath + ": " + e, e);
    }
    checkSha256(file, digest.digest());
  }

  private static long longest(FileStatus file) {
    return file.getPiecesList().stream().mapToLong(PieceRef::getLength).max().orElse(0);
  }

  private FileStatus statFile(HiroPath path) {
    FileStatus file = master.stat(path.toString(), true).getFile();
    if (file.getDirectory()) {
      throw HiroException.invalid("%s is a directory; give a file (see 'hiro client ls %s')", path, path);
    }
    long offset = 0;
    for (int i = 0; i < file.getPiecesCount(); i++) {
      PieceRef piece = file.getPieces(i);
      if (piece.getIndex() != i || piece.getOffset() != offset || piece.getLength() <= 0
          || piece.getLength() > io.hiro.common.Limits.PIECE_SIZE_MAX_BYTES) {
        throw badPieces(path, file);
      }
      offset += piece.getLength();
    }
    if (offset != file.getSizeBytes()) {
      throw badPieces(path, file);
    }
    return file;
  }

  private HiroException badPieces(HiroPath path, FileStatus file) {
    return new HiroException(ErrorCode.INTERNAL, String.format(
        "%s listed %d pieces for %s that do not cover its %d bytes in order; this is a bug in the master",
        master.endpoint(), file.getPiecesCount(), path, file.getSizeBytes()));
  }

  private void checkSha256(FileStatus file, byte[] actual) {
    if (file.getSha256().isEmpty()) {
      LOG.warn("{}: {} has no SHA-256; only the piece checksums were verified", master.endpoint(), file.getPath());
      return;
    }
    if (!MessageDigest.isEqual(file.getSha256().toByteArray(), actual)) {
      throw HiroException.dataLoss("%s: every piece passed its CRC32C but the whole file has SHA-256 %s, expected %s",
          file.getPath(), HexFormat.of().formatHex(actual), HexFormat.of().formatHex(file.getSha256().toByteArray()));
    }
  }

  private static void deleteQuietly(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      LOG.warn("could not delete temp file {}: {}", temp, e.getMessage());
    }
  }
}
