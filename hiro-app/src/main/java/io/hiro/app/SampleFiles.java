package io.hiro.app;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Files of seeded random bytes: the same seed gives the same bytes, so a run can be replayed. */
final class SampleFiles {
  private SampleFiles() {}

  static Path writeRandom(Path file, long sizeBytes, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] buffer = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      long left = sizeBytes;
      while (left > 0) {
        random.nextBytes(buffer);
        int n = (int) Math.min(buffer.length, left);
        out.write(buffer, 0, n);
        left -= n;
      }
    }
    return file;
  }
}
