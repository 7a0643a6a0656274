package io.hiro.common.rpc;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** Piece bytes in a {@link ByteString}, seen without a copy. */
public final class ByteStrings {
  private ByteStrings() {}

  /**
   * A buffer over {@code bytes}' own array (protobuf's strings of one part all wrap an array); a
   * read-only copy for a string made of several parts. Unlike {@link ByteString#asReadOnlyByteBuffer()}, an array-backed view lets
   * {@link java.util.zip.CRC32C} read the array in place instead of copying it out 4 KiB at a
   * time. The caller must not write into it: it is the string's memory.
   */
  public static ByteBuffer view(ByteString bytes) {
    Single single = new Single();
    try {
      UnsafeByteOperations.unsafeWriteTo(bytes, single);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // Single throws none
    }
    return single.parts == 1 && single.array != null ? single.array : bytes.asReadOnlyByteBuffer();
  }

  /** Counts the parts a string hands out, keeping the last array. */
  private static final class Single extends ByteOutput {
    private ByteBuffer array;
    private int parts;

    @Override
    public void writeLazy(byte[] value, int offset, int length) {
      parts++;
      array = ByteBuffer.wrap(value, offset, length).slice();
    }

    @Override
    public void write(byte[] value, int offset, int length) {
      writeLazy(value, offset, length);
    }

    @Override
    public void write(byte value) {
      parts++;
    }

    @Override
    public void write(ByteBuffer value) {
      parts++;
    }

    @Override
    public void writeLazy(ByteBuffer value) {
      parts++;
    }
  }
}
