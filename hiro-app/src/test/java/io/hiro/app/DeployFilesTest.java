package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The systemd units in deploy/ start commands the hiro command accepts, hardened, restarting on failure. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeployFilesTest {
  static final Path DEPLOY = HiroCli.REPO.resolve("deploy");
  private static final String HUGE_PAGES = "-XX:+UseTransparentHugePages";
  private static final String NO_HUGE_PAGES = "always madvise [never]";

  @Test
  void theUnitsRunCommandsTheHiroCommandParses() throws Exception {
    for (String unit : List.of("hiro-master.service", "hiro-worker@.service")) {
      String text = Files.readString(DEPLOY.resolve(unit));
      String execStart = text.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
      // As systemd runs it for hiro-worker@5050, with the options variables from hiro.env left empty.
      String[] words = execStart.substring("ExecStart=".length()).replace("%i", "5050")
          .replaceAll("\\$HIRO_\\w+_OPTS", "").replace("${HIRO_SECRET_FILE}", "/var/lib/hiro/cluster.secret")
          .trim().split("\\s+");
      assertThat(words[0]).isEqualTo("/opt/hiro/bin/hiro");
      String[] args = Arrays.copyOfRange(words, 1, words.length);
      Main.commandLine().parseArgs(args); // throws on an unknown option

      assertThat(text).contains("User=hiro", "Restart=on-failure", "NoNewPrivileges=yes", "ProtectSystem=strict",
          "ReadWritePaths=/var/lib/hiro", "EnvironmentFile=-/etc/hiro/hiro.env", "WantedBy=multi-user.target")
          .contains("--data /var/lib/hiro/");
    }
  }

  @Test
  void everyCommandRunsTheParallelCollectorUnlessTheUserNamesOneAndShortOrTransferCommandsTuneIt()
      throws Exception {
    assertThat(jvmOptions("", "master", "--port", "8080")).containsExactly("-XX:+UseParallelGC",
        "-XX:-UseAdaptiveSizePolicy");
    assertThat(jvmOptions("", "worker")).containsExactly("-XX:+UseParallelGC", "-XX:-UseAdaptiveSizePolicy");
    assertThat(jvmOptions("", "client", "ls")).doesNotContain("-XX:-UseAdaptiveSizePolicy");
    assertThat(jvmOptions("", "client", "stat", "/")).containsExactly("-XX:+UseParallelGC",
        "-XX:TieredStopAtLevel=1");
    assertThat(jvmOptions("", "client", "put", "/a")).containsExactly("-XX:+UseParallelGC",
        "-XX:-UseAdaptiveSizePolicy");
    // A read compiles less (a one-shot command), and keeps its piece arrays out of the young
    // generation, so no collection copies them.
    for (String read : List.of("get", "cat")) {
      assertThat(jvmOptions("", "client", read, "/a")).as(read).containsExactly("-XX:+UseParallelGC",
          "-XX:-UseAdaptiveSizePolicy", "-XX:MaxInlineLevel=6", "-XX:InlineSmallCode=1000", "-Xmn32m");
    }
    assertThat(jvmOptions("-Xmx1g -XX:+UseG1GC", "client", "get", "/a"))
        .containsExactly("-XX:-UseAdaptiveSizePolicy", "-XX:MaxInlineLevel=6", "-XX:InlineSmallCode=1000");
    // A user who sizes the heap sizes its young generation too.
    for (String sizing : List.of("-Xmx2g", "-Xms512m", "-Xmn64m", "-XX:NewRatio=2", "-XX:MaxNewSize=64m")) {
      assertThat(jvmOptions(sizing, "client", "cat", "/a")).as(sizing).containsExactly("-XX:+UseParallelGC",
          "-XX:-UseAdaptiveSizePolicy", "-XX:MaxInlineLevel=6", "-XX:InlineSmallCode=1000");
    }
  }

  @Test
  void theDaemonsATestOrTheBenchStartsRunAsBinHiroRunsThem() throws Exception {
    List<String> launcher = LocalCluster.javaLauncher();
    List<String> options = launcher.subList(1, launcher.indexOf("-cp")).stream()
        .filter(option -> !option.startsWith("--enable-native-access")
            && LocalCluster.classArchiveOptions(List.of(option)).isEmpty())
        .toList();
    for (String daemon : List.of("master", "worker")) {
      assertThat(options).as(daemon).containsExactlyElementsOf(jvmOptions("", daemon));
    }
  }

  @Test
  void theDockerImageAndComposeRunTheDaemonsJvmAsBinHiroDoes() throws Exception {
    String dockerfile = Files.readString(HiroCli.REPO.resolve("Dockerfile"));
    String compose = Files.readString(HiroCli.REPO.resolve("docker-compose.yml"));
    String entrypoint = dockerfile.lines().filter(line -> line.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
    List<String> javaLines = compose.lines().filter(line -> line.contains("java ") && line.contains("hiro.jar"))
        .filter(line -> !line.strip().startsWith("#")).toList();
    assertThat(javaLines).as("the java command in docker-compose.yml").isNotEmpty();
    for (String daemon : List.of("master", "worker")) {
      for (String option : jvmOptions("", daemon)) {
        assertThat(entrypoint).as(daemon + " in the Dockerfile").contains("\"" + option + "\"");
        assertThat(javaLines).as(daemon + " in docker-compose.yml").allMatch(line -> line.contains(" " + option + " "));
      }
    }
  }

  @Test
  void clientAndAdminCommandsAskForTransparentHugePagesWhereTheKernelOffersThem() throws Exception {
    for (String offered : List.of("always [madvise] never", "[always] madvise never")) {
      for (List<String> args : List.of(List.of("client", "stat", "/"), List.of("client", "cat", "/a"),
          List.of("admin", "report"))) {
        assertThat(jvmOptionsOnKernel(offered, "", args.toArray(String[]::new))).as(offered + ": " + args)
            .contains(HUGE_PAGES);
      }
      for (String daemon : List.of("master", "worker")) {
        assertThat(jvmOptionsOnKernel(offered, "", daemon)).as(offered + ": " + daemon).doesNotContain(HUGE_PAGES);
      }
    }
    // Else the JVM prints a warning on every command.
    assertThat(jvmOptionsOnKernel(NO_HUGE_PAGES, "", "client", "stat", "/")).doesNotContain(HUGE_PAGES);
    assertThat(jvmOptionsOnKernel(null, "", "client", "stat", "/")).doesNotContain(HUGE_PAGES);
  }

  /**
   * The options deploy/hiro-jvm-options gives {@code hiro ARGS}, with {@code HIRO_JAVA_OPTS} set to
   * {@code userOptions}, on a kernel that offers no transparent huge pages.
   */
  private static List<String> jvmOptions(String userOptions, String... args) throws Exception {
    return jvmOptionsOnKernel(NO_HUGE_PAGES, userOptions, args);
  }

  /** The same, on a kernel whose /sys/kernel/mm/transparent_hugepage/enabled reads {@code hugePages} (null: no file). */
  private static List<String> jvmOptionsOnKernel(String hugePages, String userOptions, String... args) throws Exception {
    Path modeFile = Files.createTempFile("thp", ".txt");
    try {
      if (hugePages == null) {
        Files.delete(modeFile);
      } else {
        Files.writeString(modeFile, hugePages + "\n");
      }
      List<String> command = new java.util.ArrayList<>(List.of("bash", "-c",
          "source \"$0\" && hiro_thp_file=\"$1\" hiro_jvm_options \"${@:2}\" && printf '%s\\n' \"${hiro_jvm[@]}\"",
          DEPLOY.resolve("hiro-jvm-options").toString(), modeFile.toString()));
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().put("HIRO_JAVA_OPTS", userOptions);
      Process bash = builder.start();
      assertThat(bash.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(bash.exitValue()).as(new String(bash.getErrorStream().readAllBytes())).isZero();
      return new String(bash.getInputStream().readAllBytes()).lines().filter(line -> !line.isEmpty()).toList();
    } finally {
      Files.deleteIfExists(modeFile);
    }
  }

  @Test
  void theInstallScriptIsValidBashAndTheEnvTemplateNamesTheMaster() throws Exception {
    Process check = new ProcessBuilder("bash", "-n", DEPLOY.resolve("install.sh").toString())
        .redirectErrorStream(true).start();
    assertThat(check.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue()).as(new String(check.getInputStream().readAllBytes())).isZero();
    assertThat(Files.isExecutable(DEPLOY.resolve("install.sh"))).isTrue();
    assertThat(Files.readString(DEPLOY.resolve("hiro.env"))).contains("HIRO_MASTER=", "HIRO_MASTER_OPTS=",
        "HIRO_WORKER_OPTS=", "HIRO_SECRET_FILE=/var/lib/hiro/cluster.secret");
  }
}
