package io.hiro.app;

import io.hiro.common.HiroException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The run that {@code bin/hiro} records its class archive from (an AOT cache on Java 25 and later,
 * a CDS archive before), once per jar, in the background: the client and admin commands users run
 * most, each through {@link Main#execute} as {@code bin/hiro} runs it, against a master and a worker
 * started as processes of their own on loopback (so that their classes stay out of the archive: a
 * JVM that maps an AOT cache loads every class in it at start-up). The archive then holds what a
 * command loads when its call succeeds, linked, and on Java 25 its methods' profiles. Session 24, a
 * client stat on a VM where it took 0.67-0.85 s with an archive of a command that failed at once
 * (the run before this one): 0.58-0.67 s.
 *
 * <p>Everything it writes goes under the directory its one argument names, which the caller
 * deletes. It gives up after {@link #LIMIT}, and whatever ran by then is what the archive holds; a
 * run that cannot start its cluster still runs one client command, against a port where nothing
 * listens, so that the archive at least holds what every command loads. Its stdout must go to
 * /dev/null, as {@code hiro_make_archive} (deploy/hiro-jvm-options) sends it: the {@code cat} it
 * trains writes the file's bytes there.
 */
public final class ClassArchiveTraining {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  /**
   * Two pieces of the default size, so that the transfers' loops run long enough for the archive to
   * hold their profiles and compiled-method records: a one-shot cat of 1 GiB then took 2.46-2.68 s
   * against 2.74-2.82 after a 3 MiB training file (32 MiB: 2.68-2.77), with 0.3 s less CPU (session
   * 31). The training takes ~3 s longer, and holds two copies of the file at a time in its scratch
   * dir; where that dir's disk has less than {@link #ROOM_FOR_LARGE} free, it moves 3 MiB, as before.
   */
  private static final int FILE_MIB = 128;
  private static final int SMALL_FILE_MIB = 3;
  private static final long ROOM_FOR_LARGE = 1L << 30;

  private ClassArchiveTraining() {}

  public static void main(String[] args) {
    Main.nettyDefaults();
    if (args.length != 1) {
      System.err.println("usage: java -cp hiro.jar " + ClassArchiveTraining.class.getName() + " SCRATCH_DIR");
      System.exit(2);
    }
    startWatchdog();
    // What the commands print is of no use here; their errors still reach stderr (a cat writes to the
    // process's own stdout: see the class comment).
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try {
      LocalCluster cluster = LocalCluster.start(LocalCluster.javaLauncher(), Path.of(args[0]).toAbsolutePath(), 1,
          "200ms");
      // Stopped however this JVM ends, the watchdog's exit included.
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "training-cluster-stop"));
      train(cluster);
    } catch (IOException | RuntimeException e) {
      System.err.println("class archive training: " + e + "; the archive holds what a failing command loads");
      Main.execute("client", "stat", "/", "-m", "127.0.0.1:1");
    }
    System.exit(0); // the JVM writes the archive as it exits
  }

  private static void train(LocalCluster cluster) throws IOException {
    Path local = cluster.baseDir().resolve("training.bin");
    Path got = cluster.baseDir().resolve("got.bin");
    int mebibytes = Files.getFileStore(cluster.baseDir()).getUsableSpace() >= ROOM_FOR_LARGE ? FILE_MIB : SMALL_FILE_MIB;
    byte[] mebibyte = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(local)) {
      for (int i = 0; i < mebibytes; i++) {
        ThreadLocalRandom.current().nextBytes(mebibyte);
        out.write(mebibyte);
      }
    }
    List<String> access = List.of("-m", cluster.masterAddress().toString(), "--secret-file",
        cluster.secretFile().toString());
    command(access, "client", "mkdir", "/training");
    command(access, "client", "put", local.toString(), "/training/file", "--replication", "1");
    Files.delete(local);
    command(access, "client", "stat", "/training/file");
    command(access, "client", "ls", "/training");
    command(access, "client", "get", "/training/file", got.toString());
    Files.delete(got);
    command(access, "client", "cat", "/training/file");
    command(access, "client", "mv", "/training/file", "/training/moved");
    command(access, "client", "rm", "-r", "/training");
    command(access, "admin", "report");
  }

  private static void command(List<String> access, String... args) {
    List<String> line = new ArrayList<>(List.of(args));
    line.addAll(access);
    int code = Main.execute(line.toArray(String[]::new));
    if (code != 0) {
      throw HiroException.unavailable("'hiro %s' failed with exit code %d", String.join(" ", args), code);
    }
  }

  /**
   * Ends the run after {@link #LIMIT} whatever it is doing: exits (the archive is written of what ran),
   * or, if the exit does not finish within {@link #STOP_GRACE}, halts. A master or worker it started
   * and did not stop then is stopped by the script that runs it ({@code hiro_make_archive} in
   * deploy/hiro-jvm-options), as when this JVM is killed.
   */
  private static void startWatchdog() {
    Thread.ofPlatform().daemon().name("training-watchdog").start(() -> {
      pause(LIMIT);
      System.err.println("class archive training: still running after " + LIMIT + "; stopping it");
      Thread.ofPlatform().daemon().start(() -> System.exit(0));
      pause(STOP_GRACE);
      Runtime.getRuntime().halt(1);
    });
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
