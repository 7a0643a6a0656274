package io.hiro.app.security;

import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.ReadOnlyCredential;
import io.hiro.common.security.SecretLookup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hiro secret init} and {@code hiro secret read-only}: make the cluster secret and read-only
 * credentials. They say where they wrote a file, never what is in it.
 */
@Command(name = "secret", mixinStandardHelpOptions = true,
    description = "Make the cluster secret, or a read-only credential from it.",
    subcommands = {SecretCommand.Init.class, SecretCommand.ReadOnly.class})
public final class SecretCommand implements Runnable {
  @picocli.CommandLine.Mixin io.hiro.common.cli.LogLevelOption logLevel;

  /** Where 'hiro master' keeps its data by default, and so its secret. */
  static final Path MASTER_DATA_DEFAULT = SecretLookup.MASTER_DEFAULT_FILE.getParent();

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "give a command: init or read-only");
  }

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = {"Create a new cluster secret, in the master's data dir or in a file of your choice.",
          "Give it to each worker and trusted client as a file (--secret-file) or in HIRO_SECRET."})
  static final class Init implements Callable<Integer> {
    static final class Where {
      @Option(names = "--data", paramLabel = "DIR",
          description = "The master's data dir; writes DIR/" + ClusterSecret.FILE_NAME + " (default: ./hiro-data/master).")
      Path dataDir;

      @Option(names = "--out", paramLabel = "FILE", description = "Write the secret to FILE instead.")
      Path file;
    }

    @ArgGroup(exclusive = true) Where where;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Path file = where != null && where.file != null ? where.file
          : (where != null && where.dataDir != null ? where.dataDir : MASTER_DATA_DEFAULT).resolve(ClusterSecret.FILE_NAME);
      ClusterSecret secret = ClusterSecret.createAt(file);
      PrintWriter out = spec.commandLine().getOut();
      out.printf("Wrote a new cluster secret to %s (owner-only; fingerprint %s).%n", file.toAbsolutePath(),
          secret.fingerprint());
      out.println("Copy that file to each worker and trusted client and pass it with --secret-file (or its content in "
          + ClusterSecret.ENVIRONMENT_VARIABLE + "); never put it on a command line.");
      out.flush();
      return 0;
    }
  }

  @Command(name = "read-only", mixinStandardHelpOptions = true,
      description = {"Write a read-only credential: its holder may list, stat and get, never change anything.",
          "For a media player or a backup job; pass it with --secret-file."})
  static final class ReadOnly implements Callable<Integer> {
    @Option(names = "--secret-file", paramLabel = "FILE",
        description = "The cluster secret (default: ./hiro-data/master/" + ClusterSecret.FILE_NAME + ").")
    Path secretFile;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the credential.")
    Path out;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Path secretPath = secretFile != null ? secretFile : MASTER_DATA_DEFAULT.resolve(ClusterSecret.FILE_NAME);
      ReadOnlyCredential credential = ClusterSecret.load(secretPath).readOnlyCredential();
      credential.writeTo(out);
      PrintWriter printer = spec.commandLine().getOut();
      printer.printf("Wrote a read-only credential to %s (owner-only).%n", out.toAbsolutePath());
      printer.println("Its holder may list, stat and get, never change anything; it stops working when the cluster "
          + "secret changes. Pass it with --secret-file.");
      printer.flush();
      return 0;
    }
  }
}
