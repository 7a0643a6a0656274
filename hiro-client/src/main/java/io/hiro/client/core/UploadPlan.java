package io.hiro.client.core;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.proto.CreateFileResponse;
import io.hiro.proto.PieceRef;

/** Checks that the master's answer to CreateFile covers the file exactly, piece after piece. */
final class UploadPlan {
  private UploadPlan() {}

  static void check(String master, String path, long sizeBytes, CreateFileResponse upload) {
    long pieceSizeBytes = upload.getPieceSizeBytes();
    if (sizeBytes > 0 && pieceSizeBytes <= 0) {
      throw bad(master, path, "piece size " + pieceSizeBytes);
    }
    long expected = sizeBytes == 0 ? 0 : (sizeBytes + pieceSizeBytes - 1) / pieceSizeBytes;
    if (upload.getPiecesCount() != expected) {
      throw bad(master, path, upload.getPiecesCount() + " pieces where " + expected + " were expected");
    }
    for (int i = 0; i < upload.getPiecesCount(); i++) {
      PieceRef piece = upload.getPieces(i);
      long offset = i * pieceSizeBytes;
      if (piece.getIndex() != i || piece.getOffset() != offset
          || piece.getLength() != Math.min(pieceSizeBytes, sizeBytes - offset)) {
        throw bad(master, path, "piece " + i + " at index " + piece.getIndex() + ", offset " + piece.getOffset()
            + ", length " + piece.getLength());
      }
    }
  }

  private static HiroException bad(String master, String path, String what) {
    return new HiroException(ErrorCode.INTERNAL, master + " planned the upload of " + path + " with " + what
        + "; this is a bug in the master");
  }
}
