package io.hiro.client.core;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * The SHA-256 of a file streamed in order, piece by piece, where a piece may come again from its
 * first byte (another replica, after one failed part-way): it is hashed again from where it began.
 */
final class InOrderDigest {
  /** Over the pieces done. */
  private MessageDigest done = FileDigest.sha256();
  private MessageDigest current = done;

  void take(long offsetInPiece, ByteBuffer data) {
    if (offsetInPiece == 0) {
      current = copy(done);
    }
    current.update(data);
  }

  void pieceDone() {
    done = current;
  }

  byte[] digest() {
    return done.digest();
  }

  private static MessageDigest copy(MessageDigest digest) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 cannot be copied", e);
    }
  }
}
