package io.hiro.app.bench;

import io.hiro.client.HiroClient;
import io.hiro.client.PutOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One large file of random bytes: put with replication 3, got into a local file (pieces fetched
 * in parallel, as {@code hiro client get} does), and streamed (as {@code hiro client cat} does).
 * Every read is checked against the CRC32C of what was put. Where the limits include the disk's
 * direct-read rate, the cat is made once more with the page cache emptied ({@link PageCache}). The three are first done untimed
 * under another name ({@link #PUT_WARM_UPS} puts, a get and a cat): the daemons of a cluster run for weeks with their code compiled, and the
 * client here is a long-lived one (a one-shot CLI put also compiles as it goes: see
 * docs/BENCHMARKS.md). The untimed puts overwrite one file, which stays until the large file's
 * figures are taken: deleting it right before the timed put had the workers unlinking 3 GiB of
 * replicas during it. The untimed get and cat come after the timed put: the first reads after
 * puts only make the workers' JIT compile their code again for a while (0.3-0.4 s of CPU per GiB
 * in each worker during the next puts, session 8), a passing state the timed put should not meet.
 */
final class BigFileBench {
  /** The target for a get of the large file when the workers' data is in the page cache. */
  static final double GET_TARGET_MEGABYTES_PER_SECOND = 1_200;
  /**
   * Untimed puts before the timed one. On a new cluster, successive puts of 1 GiB ran 136, 255,
   * 335, 347 and 379 MB/s (session 6, a warm client). After 3 untimed puts the workers' JIT still
   * took 0.22-0.27 s of CPU per GiB put and the next puts ran 308-324 MB/s; after 8, 0.06-0.41 s and
   * 388-389 MB/s (session 7, a throw-away program reading each process's compiler threads' CPU).
   */
  static final int PUT_WARM_UPS = 8;

  private final HiroClient client;
  private final RandomFile input;
  private final String remotePath;
  private final Path workDir;
  private final String sizeName;

  BigFileBench(HiroClient client, RandomFile input, String remoteDir, Path workDir) {
    this.client = client;
    this.input = input;
    this.sizeName = sizeName(input.sizeBytes());
    this.remotePath = remoteDir + "/big-" + sizeName;
    this.workDir = workDir;
  }

  void run(Limits limits, Consumer<Figure> out) throws IOException {
    String warmPath = remotePath + "-warm-up";
    for (int i = 0; i < PUT_WARM_UPS; i++) {
      client.put(input.path(), warmPath, new PutOptions(HiroBench.REPLICATION, 0, true));
    }
    Figure put = put();
    out.accept(put.ofLimit(limits.diskFsyncWrite(), HiroBench.REPLICATION, ">= 0.90").besides(limits.plainChain()));
    warmUpReads(warmPath);
    // Workers write with O_DIRECT: the put leaves nothing in their page cache. One untimed cat reads
    // the replicas that the get and the cat below read (ReplicaOrder), as the target assumes.
    client.cat(remotePath, OutputStream.nullOutputStream());
    out.accept(get().ofTarget(GET_TARGET_MEGABYTES_PER_SECOND)
        .note("(into a local file, fsynced; " + limits.loopbackTcp().name() + " "
            + Figure.number(limits.loopbackTcp().value()) + " MB/s)"));
    out.accept(stream("").ofTarget(GET_TARGET_MEGABYTES_PER_SECOND)
        .note("(hiro client cat: pieces in order, the next ones read ahead, no local disk)"));
    if (limits.diskDirectRead().isPresent()) {
      PageCache.drop();
      out.accept(stream(".cold").ofLimit(limits.diskDirectRead().get(), 1, ">= 1.00")
          .note("(cat after the page cache was emptied: every replica read from the disk)"));
    }
    client.delete(remotePath, false);
    client.delete(warmPath, false);
  }

  private void warmUpReads(String warmPath) throws IOException {
    Path local = workDir.resolve("bench-get-warm-up.bin");
    try {
      client.get(warmPath, local);
    } finally {
      Files.deleteIfExists(local);
    }
    client.cat(warmPath, OutputStream.nullOutputStream());
  }

  private Figure put() {
    long started = System.nanoTime();
    client.put(input.path(), remotePath, new PutOptions(HiroBench.REPLICATION, 0, true));
    return rate("put", started);
  }

  private Figure get() throws IOException {
    Path local = workDir.resolve("bench-get.bin");
    try {
      long started = System.nanoTime();
      client.get(remotePath, local);
      Figure figure = rate("get", started);
      input.verify(local, "get " + remotePath);
      return figure;
    } finally {
      Files.deleteIfExists(local);
    }
  }

  private Figure stream(String suffix) {
    RandomFile.CrcStream check = new RandomFile.CrcStream();
    long started = System.nanoTime();
    client.cat(remotePath, check);
    Figure figure = rate("get", started);
    check.verify(input, "cat " + remotePath);
    return new Figure(figure.name() + ".cat" + suffix, figure.value(), figure.unit(), "");
  }

  private Figure rate(String operation, long startedNanos) {
    return Figure.of(operation + "." + sizeName,
        MachineLimits.megabytesPerSecond(input.sizeBytes(), System.nanoTime() - startedNanos), "MB/s");
  }

  /** {@code 1gib}, {@code 64mib}: the size in the figure's name. */
  static String sizeName(long bytes) {
    long gib = 1024L * 1024 * 1024;
    if (bytes % gib == 0) {
      return bytes / gib + "gib";
    }
    long mib = 1024L * 1024;
    return bytes % mib == 0 ? bytes / mib + "mib" : String.format(Locale.ROOT, "%dbytes", bytes);
  }
}
