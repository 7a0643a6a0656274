package io.hiro.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Random files made from a seed that the tests print, so a failure can be replayed. */
final class TestFiles {
  private TestFiles() {}

  static Path random(Path dir, String name, long sizeBytes, long seed) {
    try {
      return SampleFiles.writeRandom(dir.resolve(name), sizeBytes, seed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean sameBytes(Path a, Path b) {
    try {
      return Files.mismatch(a, b) == -1L;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
