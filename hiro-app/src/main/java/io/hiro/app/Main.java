package io.hiro.app;

import ch.qos.logback.classic.Level;
import io.hiro.app.bench.HiroBench;
import io.hiro.client.cli.AdminCommand;
import io.hiro.client.cli.ClientCommand;
import io.hiro.common.cli.CliErrors;
import io.hiro.common.rpc.ClientWarmUp;
import io.hiro.master.cli.MasterCommand;
import io.hiro.worker.cli.WorkerCommand;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The single {@code hiro} command: {@code hiro master}, {@code hiro worker}, {@code hiro client ...}. */
@Command(
    name = "hiro",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Hiro: a distributed file system for a few machines of your own.")
public final class Main implements Runnable {
  private static final Set<String> DAEMON_COMMANDS = Set.of("master", "worker");
  /** Commands that call the master, whose set-up {@link ClientWarmUp} does beside the parsing. */
  private static final Set<String> CLIENT_COMMANDS = Set.of("client", "admin");
  static final String SET_UP_THREAD = "hiro-set-up";
  private static final Set<String> HELP_OPTIONS = Set.of("-h", "--help", "-V", "--version");
  /**
   * The commands under {@code hiro}, in the order its help lists them. They are added in code, not in
   * the annotation, so that a run builds only the one it names (see {@link #commandLine(String...)}).
   */
  private static final List<Class<?>> COMMANDS = List.of(MasterCommand.class, WorkerCommand.class,
      ClientCommand.class, AdminCommand.class, DemoCommand.class, io.hiro.app.bench.BenchCommand.class,
      io.hiro.app.security.SecretCommand.class, io.hiro.app.security.CertCommand.class, CompletionCommand.class,
      CommandLine.HelpCommand.class);
  /** The commands under a command of {@link #COMMANDS}, where they are added in code too. */
  private static final Map<Class<?>, List<Class<?>>> SUBCOMMANDS = Map.of(ClientCommand.class, ClientCommand.COMMANDS,
      AdminCommand.class, AdminCommand.COMMANDS);
  /** Commands that read the whole tree: they get every command, whatever else the line says. */
  private static final Set<Class<?>> WHOLE_TREE_COMMANDS = Set.of(CompletionCommand.class,
      CommandLine.HelpCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "missing command: try 'hiro demo', 'hiro master', 'hiro worker' or 'hiro client'");
  }

  /** Netty's allocation events would start Flight Recorder in every command: 0.1 s of a client's start-up. */
  private static final String NETTY_JFR = "io.grpc.netty.shaded.io.netty.jfr.enabled";
  /**
   * Netty's leak detector records a stack trace for one buffer in 128: about one per small-file put
   * in every process (JFR, 2026-11-29). Hiro's own code never holds Netty buffers; set the property
   * to "simple" or "paranoid" to hunt a leak.
   */
  private static final String NETTY_LEAK_DETECTION = "io.grpc.netty.shaded.io.netty.leakDetection.level";

  public static void main(String[] args) {
    nettyDefaults();
    System.exit(execute(args));
  }

  /** Netty's settings for every Hiro process, unless set on the command line; call before Netty loads. */
  public static void nettyDefaults() {
    if (System.getProperty(NETTY_JFR) == null) {
      System.setProperty(NETTY_JFR, "false");
    }
    if (System.getProperty(NETTY_LEAK_DETECTION) == null) {
      System.setProperty(NETTY_LEAK_DETECTION, "disabled");
    }
  }

  /** Runs the command line and returns the exit code, without exiting (tests call this). */
  public static int execute(String... args) {
    quietUnlessDaemon(args);
    if (args.length == 0 || !CLIENT_COMMANDS.contains(args[0]) || asksForHelp(args)) {
      return CliErrors.install(commandLine(args)).execute(args);
    }
    // A client command: the set-up that does not depend on its arguments runs on the second core
    // while picocli reads them (0.2 s; 20-50 ms less wall time for a client stat, session 25). It is
    // over before the command runs, and before a usage error returns: a normal exit then never
    // stops it while Netty has its native library in a temp file.
    Thread setUp = Thread.ofPlatform().daemon().name(SET_UP_THREAD).start(ClientWarmUp::run);
    try {
      CommandLine commandLine = CliErrors.install(commandLine(args));
      CommandLine.IExecutionStrategy run = commandLine.getExecutionStrategy();
      return commandLine.setExecutionStrategy(parsed -> {
        joinUninterruptibly(setUp);
        return run.execute(parsed);
      }).execute(args);
    } finally {
      joinUninterruptibly(setUp);
    }
  }

  /** The whole {@code hiro} command, every command under it included. */
  public static CommandLine commandLine() {
    CommandLine root = new CommandLine(new Main());
    COMMANDS.forEach(command -> root.addSubcommand(whole(command)));
    return root;
  }

  /**
   * The {@code hiro} command as {@code args} need it: with only the command they name, and under it
   * only the command the next argument names (as {@code hiro client stat}), where they name one;
   * else whole from there on. Picocli reads every command's annotations when it is added, which took
   * 0.28 s of a 0.64 s {@code hiro client stat} for the 25 commands (session 23); the answer to
   * {@code args} is the same either way (a usage error is answered by the whole tree).
   */
  static CommandLine commandLine(String... args) {
    CommandLine line = named(new Main(), COMMANDS, args, 0);
    // A usage error is answered by the whole tree, for its usage text: a bad value of an option that a
    // command's mixin gives every command under it (--log-level) fails in that command, whose usage
    // lists every command under it. Nothing runs before a usage error, so nothing runs twice.
    return line.setParameterExceptionHandler((error, again) -> {
      CommandLine whole = CliErrors.install(commandLine()).setOut(line.getOut()).setErr(line.getErr());
      return whole.execute(again);
    });
  }

  /**
   * {@code command}, with under it the one of {@code commands} that {@code args[depth]} names (built
   * the same way), or all of them when it names none (an option, a typo: picocli then answers as it
   * would with the whole tree) or one that reads the whole tree.
   */
  private static CommandLine named(Object command, List<Class<?>> commands, String[] args, int depth) {
    CommandLine line = new CommandLine(command);
    Optional<Class<?>> named = depth >= args.length ? Optional.empty()
        : commands.stream().filter(candidate -> names(candidate).contains(args[depth])).findFirst();
    if (named.isEmpty() || WHOLE_TREE_COMMANDS.contains(named.get())) {
      commands.forEach(candidate -> line.addSubcommand(whole(candidate)));
    } else {
      line.addSubcommand(named(named.get(), SUBCOMMANDS.getOrDefault(named.get(), List.of()), args, depth + 1));
    }
    return line;
  }

  /** {@code command} with every command under it. */
  private static CommandLine whole(Class<?> command) {
    CommandLine line = new CommandLine(command);
    SUBCOMMANDS.getOrDefault(command, List.of()).forEach(subcommand -> line.addSubcommand(whole(subcommand)));
    return line;
  }

  private static List<String> names(Class<?> command) {
    Command annotation = command.getAnnotation(Command.class);
    return Stream.concat(Stream.of(annotation.name()), Stream.of(annotation.aliases())).toList();
  }

  /** Help and version need no connection, so no set-up. */
  private static boolean asksForHelp(String[] args) {
    return Stream.of(args).anyMatch(HELP_OPTIONS::contains);
  }

  private static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Clients print results and one-line errors, not logs; daemons log their lifecycle at INFO. */
  private static void quietUnlessDaemon(String[] args) {
    boolean daemon = args.length > 0 && DAEMON_COMMANDS.contains(args[0]);
    if (!daemon && System.getProperty("HIRO_LOG_LEVEL", System.getenv("HIRO_LOG_LEVEL")) == null) {
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.hiro")).setLevel(Level.ERROR);
      if (args.length > 0 && args[0].equals("bench")) {
        // The bench says on stderr which figures it could not measure, and why.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(HiroBench.class.getPackageName())).setLevel(Level.WARN);
      }
    }
  }

  /** Reads the version Maven wrote into the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties properties = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("/hiro-version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return new String[] {"hiro " + properties.getProperty("version", "unknown")
          + " (Java " + Runtime.version() + ")"};
    }
  }
}
