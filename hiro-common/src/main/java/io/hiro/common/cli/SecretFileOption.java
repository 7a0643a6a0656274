package io.hiro.common.cli;

import io.hiro.common.security.SecretLookup;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** {@code --secret-file FILE} of workers and clients; see {@link SecretLookup} for where else it looks. */
public final class SecretFileOption {
  @Option(names = "--secret-file", paramLabel = "FILE",
      description = {"The cluster secret (a copy of cluster.secret from the master's data dir) or, for a client, a "
          + "read-only credential. Default: $HIRO_SECRET_FILE, then $HIRO_SECRET (the secret itself), then "
          + "hiro-data/master/cluster.secret in the working directory, then .hiro/cluster.secret in the home "
          + "directory."})
  Path file;

  public SecretFileOption() {}

  /** Where this process finds its secret: the option, else the environment and the default files. */
  public SecretLookup lookup(Function<String, String> environment) {
    return SecretLookup.of(file, environment);
  }
}
