package io.hiro.app;

import io.hiro.app.SoakOracle.Content;
import io.hiro.client.HiroClient;
import io.hiro.client.PutOptions;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One client's seeded random workload of put, overwrite, get, rm and mv under its own directory,
 * checked against a {@link SoakOracle}. Every read is compared with what acknowledged operations
 * promised; a wrong byte or a lost acknowledged file is a violation, recorded with its path.
 */
final class SoakWorkload {
  static final long PIECE_BYTES = 256L * 1024;
  private static final int PATHS = 24;

  private final HiroClient client;
  private final String root;
  private final Path scratch;
  private final SplittableRandom random;
  private final SoakTally tally;
  private final SoakOracle oracle = new SoakOracle();
  private final List<String> violations = new ArrayList<>();
  private long fileCounter;

  SoakWorkload(HiroClient client, String root, Path scratch, long seed, SoakTally tally) {
    this.client = client;
    this.root = root;
    this.scratch = scratch;
    this.random = new SplittableRandom(seed);
    this.tally = tally;
  }

  List<String> violations() {
    return violations;
  }

  SoakOracle oracle() {
    return oracle;
  }

  /** Runs one random operation. */
  void step() {
    String path = root + "/f" + random.nextInt(PATHS);
    int dice = random.nextInt(100);
    if (oracle.certainlyAbsent(path)) {
      put(path, false);
    } else if (dice < 45) {
      get(path, false);
    } else if (dice < 70 && oracle.certainlyPresent(path)) {
      put(path, true);
    } else if (dice < 85 && oracle.certainlyPresent(path)) {
      remove(path);
    } else if (oracle.possible(path).size() == 1 && oracle.certainlyPresent(path)) {
      move(path, root + "/f" + random.nextInt(PATHS));
    } else {
      get(path, false);
    }
  }

  private void put(String path, boolean overwrite) {
    long size = random.nextInt(8) == 0 ? random.nextLong(0, 4 * 1024) : random.nextLong(1, 3 * PIECE_BYTES * 2);
    Path local = TestFiles.random(scratch, "put-" + (fileCounter++), size, random.nextLong());
    Content content = new Content(sha256(local), size);
    try {
      client.put(local, path, new PutOptions(3, PIECE_BYTES, overwrite));
      oracle.acknowledged(path, content);
      tally.add(overwrite ? "overwrites" : "puts");
    } catch (HiroException e) {
      if (!overwrite && e.code() == ErrorCode.ALREADY_EXISTS) {
        violations.add("put " + path + ": ALREADY_EXISTS for a path no acknowledged operation created");
      }
      oracle.maybe(path, content);
      tally.add("failed operations");
    } finally {
      delete(local);
    }
  }

  /** Reads a path and checks it; in the final check every failure is a violation. */
  void get(String path, boolean finalCheck) {
    Path back = scratch.resolve("get-" + (fileCounter++));
    try {
      client.get(path, back);
      Content content = new Content(sha256(back), Files.size(back));
      if (!oracle.possible(path).contains(content)) {
        violations.add("get " + path + " returned content no acknowledged operation wrote (" + content + ")");
        tally.add("corrupt reads");
      } else {
        oracle.observed(path, content);
      }
      tally.add("gets");
    } catch (HiroException e) {
      if (e.code() == ErrorCode.NOT_FOUND && oracle.possible(path).contains(Content.ABSENT)) {
        oracle.observed(path, Content.ABSENT);
        tally.add("gets");
      } else if (e.code() == ErrorCode.NOT_FOUND || finalCheck) {
        violations.add("get " + path + " failed: " + e.code() + " " + e.getMessage());
      } else {
        tally.add("failed operations");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(back);
    }
  }

  private void remove(String path) {
    try {
      client.delete(path, false);
      oracle.acknowledged(path, Content.ABSENT);
      tally.add("rms");
    } catch (HiroException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        violations.add("rm " + path + ": NOT_FOUND for an acknowledged file");
      }
      oracle.maybe(path, Content.ABSENT);
      tally.add("failed operations");
    }
  }

  private void move(String source, String destination) {
    if (source.equals(destination) || !oracle.certainlyAbsent(destination)) {
      get(source, false);
      return;
    }
    Content content = oracle.possible(source).iterator().next();
    try {
      client.move(source, destination);
      oracle.acknowledged(source, Content.ABSENT);
      oracle.acknowledged(destination, content);
      tally.add("mvs");
    } catch (HiroException e) {
      oracle.maybe(source, Content.ABSENT);
      oracle.maybe(destination, content);
      tally.add("failed operations");
    }
  }

  /** Bytes of files that must be there; used for the figure of bytes lost. */
  long certainBytes(String path) {
    return oracle.certainlyPresent(path) && oracle.possible(path).size() == 1
        ? oracle.possible(path).iterator().next().sizeBytes() : 0;
  }

  private static String sha256(Path file) {
    try {
      return DemoCommand.sha256(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
