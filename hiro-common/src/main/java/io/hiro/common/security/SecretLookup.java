package io.hiro.common.security;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Where a worker or a client finds what it signs its calls to the master with. The first of these
 * that is given (or, for the last two, exists) wins:
 * <ol>
 *   <li>{@code --secret-file FILE};
 *   <li>the environment variable {@value #FILE_ENVIRONMENT_VARIABLE} (a file name);
 *   <li>the environment variable {@value ClusterSecret#ENVIRONMENT_VARIABLE} (the secret's 64 hex digits);
 *   <li>{@code ./hiro-data/master/cluster.secret}: where {@code hiro master} started in the same
 *       directory keeps it, so the README's quick start needs no option on one machine;
 *   <li>{@code ~/.hiro/cluster.secret}: the place to copy it to on another machine.
 * </ol>
 * A file holds the cluster secret or, for a client only, a read-only credential. When nothing is
 * found the error (PERMISSION_DENIED) says which file to copy from the master and which option to use.
 * Nothing here ever shows the secret: {@link #describe()} names where it came from.
 */
public final class SecretLookup {
  public static final String FILE_ENVIRONMENT_VARIABLE = "HIRO_SECRET_FILE";
  /** Relative to the working directory: the secret of a master started there with its default data dir. */
  public static final Path MASTER_DEFAULT_FILE = Path.of("hiro-data", "master", ClusterSecret.FILE_NAME);
  /** Relative to the user's home directory. */
  public static final Path HOME_FILE = Path.of(".hiro", ClusterSecret.FILE_NAME);
  /** How often {@link #clusterSecretAwaiting} looks for the file. */
  private static final long SECRET_POLL_MILLIS = 100;

  /** What was found: a file (with how it was chosen), or the secret's text from the environment. */
  private record Source(Path file, String environmentValue, String description) {}

  private final Path option;
  private final Function<String, String> environment;
  private final Path workingDirectory;
  private final Path homeDirectory;

  /**
   * @param option the {@code --secret-file} value, or null
   * @param environment looks up environment variables ({@code System::getenv} outside tests)
   */
  public SecretLookup(Path option, Function<String, String> environment, Path workingDirectory, Path homeDirectory) {
    this.option = option;
    this.environment = environment;
    this.workingDirectory = workingDirectory;
    this.homeDirectory = homeDirectory;
  }

  /** The lookup of a process: its working directory and its user's home. */
  public static SecretLookup of(Path option, Function<String, String> environment) {
    return new SecretLookup(option, environment, Path.of("").toAbsolutePath(),
        Path.of(System.getProperty("user.home", "")).toAbsolutePath());
  }

  /** The cluster secret, for a worker (a read-only credential will not do: INVALID_ARGUMENT). */
  public ClusterSecret clusterSecret() {
    Source source = find();
    return source.file() != null ? ClusterSecret.load(source.file())
        : ClusterSecret.fromEnvironment(source.environmentValue());
  }

  /**
   * As {@link #clusterSecret()}, for a worker: when nothing names a secret, neither default file
   * exists, and {@code masterStarting} (asked only then) says a master is starting here, waits up to
   * {@code wait} for {@code ./hiro-data/master/cluster.secret} to appear (the master writes it aside
   * and links it into place whole), telling {@code onWait} once. A master started in the same
   * directory a moment before, as in the README's quick start, makes it on its first start; without
   * this the worker lost that race and exited. An interrupt ends the wait (and is kept). After the
   * wait the refusal is the same as {@link #clusterSecret()}'s.
   */
  public ClusterSecret clusterSecretAwaiting(Duration wait, BooleanSupplier masterStarting, Runnable onWait) {
    Path beside = workingDirectory.resolve(MASTER_DEFAULT_FILE);
    if (findOrNull() == null && masterStarting.getAsBoolean()) {
      onWait.run();
      long deadline = System.nanoTime() + wait.toNanos();
      try {
        while (!Files.exists(beside) && System.nanoTime() < deadline) {
          Thread.sleep(SECRET_POLL_MILLIS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return clusterSecret();
  }

  /** What a client signs with: the cluster secret, or a read-only credential file. */
  public CallSigner callSigner() {
    Source source = find();
    return source.file() != null ? CallSigner.load(source.file())
        : CallSigner.forCluster(ClusterSecret.fromEnvironment(source.environmentValue()));
  }

  /** Where the secret comes from, for a log line: never its content. */
  public String describe() {
    return find().description();
  }

  private Source find() {
    Source source = findOrNull();
    if (source != null) {
      return source;
    }
    throw new HiroException(ErrorCode.PERMISSION_DENIED, String.format("no cluster secret: copy %s from the "
        + "master's data dir (./%s where the master runs with its default --data) to this machine and give "
        + "--secret-file FILE, or set %s=FILE, or put it in ~/%s (looked in %s and %s)", ClusterSecret.FILE_NAME,
        MASTER_DEFAULT_FILE, FILE_ENVIRONMENT_VARIABLE, HOME_FILE, workingDirectory.resolve(MASTER_DEFAULT_FILE),
        homeDirectory.resolve(HOME_FILE)));
  }

  /** The first source given or found, in the order above; null if none. */
  private Source findOrNull() {
    if (option != null) {
      return new Source(option, null, "--secret-file " + option);
    }
    String file = environment.apply(FILE_ENVIRONMENT_VARIABLE);
    if (file != null && !file.isBlank()) {
      return new Source(Path.of(file.strip()), null, FILE_ENVIRONMENT_VARIABLE + " " + file.strip());
    }
    String value = environment.apply(ClusterSecret.ENVIRONMENT_VARIABLE);
    if (value != null && !value.isBlank()) {
      return new Source(null, value, ClusterSecret.ENVIRONMENT_VARIABLE);
    }
    Path beside = workingDirectory.resolve(MASTER_DEFAULT_FILE);
    if (Files.exists(beside)) {
      return new Source(beside, null, beside.toString());
    }
    Path home = homeDirectory.resolve(HOME_FILE);
    if (Files.exists(home)) {
      return new Source(home, null, home.toString());
    }
    return null;
  }
}
