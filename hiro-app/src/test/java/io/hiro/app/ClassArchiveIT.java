package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/hiro}'s class archive (an AOT cache on Java 25 and later, a CDS archive before): made
 * in the background after a first command, then mapped by the next ones, and never by a command run
 * with {@code HIRO_CDS=0} or with a sharing option of the user's own. It is made of commands whose
 * calls succeed ({@link ClassArchiveTraining}), so it holds what a call's answer loads too.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClassArchiveIT {
  private static final String FROM_ARCHIVE = "io.hiro.app.Main source: shared objects file";
  /**
   * picocli's own jar holds Java 5 class files, which Java 25's AOT cache does not keep: the jar
   * ships picocli compiled for this project's release instead (hiro-app/pom.xml).
   */
  private static final String PICOCLI_FROM_ARCHIVE = "picocli.CommandLine source: shared objects file";
  /** The name of a finished archive in the cache dir (a job's temp files start with {@code .hiro-jsa.}). */
  private static final String ARCHIVE_NAME = "hiro-\\d+\\.(aot|jsa)";
  /** Loaded only once a stat is answered (a command that fails to connect never loads it). */
  private static final String ANSWER_FROM_ARCHIVE = "io.hiro.proto.FileStatus source: shared objects file";

  @TempDir Path dir;

  @Test
  void theFirstCommandMakesTheArchiveAndTheNextOnesUseItUnlessTurnedOff() throws Exception {
    Path cache = dir.resolve("cache");
    // Any secret will do: the master is not there to check it.
    Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString(), "HIRO_SECRET", "00".repeat(32));

    HiroCli.Result first = HiroCli.run(dir, env, "client", "stat", "/", "-m", "127.0.0.1:1");
    assertThat(first.exitCode()).as(first.toString()).isNotZero();
    Path archive = awaitArchive(cache.resolve("hiro"));

    assertThat(classesLoaded(env, "second")).as("classes of the command after " + archive)
        .contains(FROM_ARCHIVE, PICOCLI_FROM_ARCHIVE);
    try (LocalCluster cluster = LocalCluster.start(LocalCluster.javaLauncher(), dir.resolve("cluster"), 1, "200ms")) {
      assertThat(classesLoaded(Map.of("XDG_CACHE_HOME", cache.toString()), "answered", cluster))
          .as("classes of a stat that was answered").contains(ANSWER_FROM_ARCHIVE);
    }
    Map<String, String> off = new HashMap<>(env);
    off.put("HIRO_CDS", "0");
    assertThat(classesLoaded(off, "off"))
        .contains("io.hiro.app.Main source: ").doesNotContain(FROM_ARCHIVE);

    // Java 25 stops at start-up when an AOT cache is given beside a sharing option of the user's own.
    for (String variable : List.of("HIRO_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
      Map<String, String> sharingOff = new HashMap<>(env);
      sharingOff.put(variable, "-Xshare:off");
      HiroCli.Result run = HiroCli.run(dir, sharingOff, "client", "stat", "/", "-m", "127.0.0.1:1");
      assertThat(run.stderr()).as(variable + "\n" + run).contains("hiro: master 127.0.0.1:1 unreachable");
    }
  }

  @Test
  void theBenchMakesAMissingArchiveBeforeItMeasures() throws Exception {
    Path cache = dir.resolve("bench-cache");
    Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString(), "HIRO_SECRET", "00".repeat(32));

    HiroCli.Result bench = HiroCli.run(dir, env, "bench", "--quick", "-m", "127.0.0.1:1", "--dir",
        dir.resolve("bench").toString());

    assertThat(bench.exitCode()).as(bench.toString()).isNotZero();
    assertThat(bench.stderr()).as(bench.toString()).contains("making the class archive", "127.0.0.1:1");
    // Made before the bench ran, not beside it: it is there, and its lock gone, as soon as the command is done.
    try (Stream<Path> files = Files.list(cache.resolve("hiro"))) {
      assertThat(files.map(f -> f.getFileName().toString())).as(bench.toString())
          .anyMatch(name -> name.matches(ARCHIVE_NAME)).noneMatch(name -> name.startsWith(".hiro-jsa."));
    }
  }

  /** The classes a failing {@code hiro client stat} loaded, and from where, as the JVM logged them. */
  private String classesLoaded(Map<String, String> env, String name) throws IOException {
    Path log = dir.resolve(name + "-classes.txt");
    HiroCli.Result run = HiroCli.run(dir, logClasses(env, log), "client", "stat", "/", "-m", "127.0.0.1:1");
    assertThat(run.exitCode()).as(run.toString()).isNotZero();
    assertThat(run.stderr()).as(run.toString()).contains("127.0.0.1:1");
    return Files.readString(log);
  }

  /** The classes a {@code hiro client stat /} that the cluster's master answered loaded, and from where. */
  private String classesLoaded(Map<String, String> env, String name, LocalCluster cluster) throws IOException {
    Path log = dir.resolve(name + "-classes.txt");
    HiroCli.Result run = HiroCli.run(dir, logClasses(env, log), "client", "stat", "/", "-m",
        cluster.masterAddress().toString(), "--secret-file", cluster.secretFile().toString());
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return Files.readString(log);
  }

  private static Map<String, String> logClasses(Map<String, String> env, Path log) {
    Map<String, String> logged = new HashMap<>(env);
    logged.put("HIRO_JAVA_OPTS", "-Xlog:class+load=info:file=" + log);
    return logged;
  }

  /** Waits for the background job to rename its finished archive into {@code cacheDir}. */
  private static Path awaitArchive(Path cacheDir) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (Files.isDirectory(cacheDir)) {
        try (Stream<Path> files = Files.list(cacheDir)) {
          List<Path> archives = files.filter(f -> f.getFileName().toString().matches(ARCHIVE_NAME)).toList();
          if (!archives.isEmpty()) {
            return archives.get(0);
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no class archive in " + cacheDir + " after 90 s");
  }
}
