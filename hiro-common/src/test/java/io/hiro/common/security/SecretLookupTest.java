package io.hiro.common.security;

import static io.hiro.common.security.SecurityAssertions.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class SecretLookupTest {
  @TempDir Path dir;
  private final Map<String, String> env = new HashMap<>();
  private Path work;
  private Path home;
  private ClusterSecret inWork;
  private ClusterSecret inHome;
  private ClusterSecret inFile;

  @BeforeEach
  void threeSecrets() {
    work = dir.resolve("work");
    home = dir.resolve("home");
    inWork = ClusterSecret.createAt(work.resolve(SecretLookup.MASTER_DEFAULT_FILE));
    inHome = ClusterSecret.createAt(home.resolve(SecretLookup.HOME_FILE));
    inFile = ClusterSecret.createAt(dir.resolve("given.secret"));
  }

  private SecretLookup lookup(Path option) {
    return new SecretLookup(option, env::get, work, home);
  }

  /** A signer cannot show its key; the verifier of the expected secret accepts its calls iff they match. */
  private static void assertSignsFor(CallSigner signer, ClusterSecret expected) {
    Instant now = Instant.now();
    assertThat(new CallVerifier(expected, CallVerifier.WINDOW_DEFAULT).verify(signer.sign("m", now), "m", now))
        .isEqualTo(Role.CLUSTER);
  }

  @Test
  void theOptionWinsOverEverythingElse() {
    env.put(SecretLookup.FILE_ENVIRONMENT_VARIABLE, work.resolve(SecretLookup.MASTER_DEFAULT_FILE).toString());
    env.put(ClusterSecret.ENVIRONMENT_VARIABLE, "00".repeat(32));

    SecretLookup lookup = lookup(dir.resolve("given.secret"));

    assertThat(lookup.clusterSecret().fingerprint()).isEqualTo(inFile.fingerprint());
    assertThat(lookup.describe()).isEqualTo("--secret-file " + dir.resolve("given.secret"));
  }

  @Test
  void theFileVariableWinsOverTheSecretVariableAndTheDefaultFiles() {
    env.put(SecretLookup.FILE_ENVIRONMENT_VARIABLE, dir.resolve("given.secret").toString());
    env.put(ClusterSecret.ENVIRONMENT_VARIABLE, "00".repeat(32));

    assertThat(lookup(null).clusterSecret().fingerprint()).isEqualTo(inFile.fingerprint());
  }

  @Test
  void theSecretVariableWinsOverTheDefaultFiles() {
    env.put(ClusterSecret.ENVIRONMENT_VARIABLE, "00".repeat(32));

    ClusterSecret secret = lookup(null).clusterSecret();

    assertThat(secret.fingerprint()).isEqualTo(ClusterSecret.fromEnvironment("00".repeat(32)).fingerprint());
    assertThat(lookup(null).describe()).isEqualTo(ClusterSecret.ENVIRONMENT_VARIABLE);
  }

  @Test
  void theMastersDefaultDataDirUnderTheWorkingDirectoryComesBeforeHome() {
    assertThat(lookup(null).clusterSecret().fingerprint()).isEqualTo(inWork.fingerprint());
    assertSignsFor(lookup(null).callSigner(), inWork);
  }

  @Test
  void homeIsTheLastPlaceLooked() throws Exception {
    Files.delete(work.resolve(SecretLookup.MASTER_DEFAULT_FILE));

    assertThat(lookup(null).clusterSecret().fingerprint()).isEqualTo(inHome.fingerprint());
    assertThat(lookup(null).describe()).isEqualTo(home.resolve(SecretLookup.HOME_FILE).toString());
  }

  @Test
  void nothingFoundIsPermissionDeniedNamingTheFileToCopyAndTheOption() throws Exception {
    Files.delete(work.resolve(SecretLookup.MASTER_DEFAULT_FILE));
    Files.delete(home.resolve(SecretLookup.HOME_FILE));

    String message = refusal(ErrorCode.PERMISSION_DENIED, () -> lookup(null).clusterSecret());

    assertThat(message).contains("cluster.secret", "--secret-file", "HIRO_SECRET_FILE",
        work.resolve(SecretLookup.MASTER_DEFAULT_FILE).toString()).doesNotContain("\n");
  }

  @Test
  void aWorkerWaitsForTheSecretOfAMasterStartingInTheSameDirectory() throws Exception {
    Files.delete(work.resolve(SecretLookup.MASTER_DEFAULT_FILE));
    Files.delete(home.resolve(SecretLookup.HOME_FILE));
    CountDownLatch waiting = new CountDownLatch(1);
    CompletableFuture<ClusterSecret> found = CompletableFuture.supplyAsync(
        () -> lookup(null).clusterSecretAwaiting(Duration.ofSeconds(20), () -> true, waiting::countDown));
    assertThat(waiting.await(10, TimeUnit.SECONDS)).as("waiting").isTrue();
    assertThat(found).as("still waiting for the file").isNotDone();

    ClusterSecret created = ClusterSecret.createAt(work.resolve(SecretLookup.MASTER_DEFAULT_FILE));

    assertThat(found.get(10, TimeUnit.SECONDS).fingerprint()).isEqualTo(created.fingerprint());
  }

  @Test
  void aWorkerWaitsOnlyWhenNothingIsGivenOrFoundAndAMasterIsStartingThenIsRefusedAsWithoutWaiting()
      throws Exception {
    AtomicInteger probes = new AtomicInteger();
    AtomicInteger waits = new AtomicInteger();
    BooleanSupplier starting = () -> probes.incrementAndGet() > 0;
    assertThat(lookup(null).clusterSecretAwaiting(Duration.ofSeconds(20), starting, waits::incrementAndGet)
        .fingerprint()).isEqualTo(inWork.fingerprint());
    Files.delete(work.resolve(SecretLookup.MASTER_DEFAULT_FILE));
    assertThat(lookup(null).clusterSecretAwaiting(Duration.ofSeconds(20), starting, waits::incrementAndGet)
        .fingerprint()).as("the home file").isEqualTo(inHome.fingerprint());
    Files.delete(home.resolve(SecretLookup.HOME_FILE));
    assertThat(lookup(dir.resolve("given.secret")).clusterSecretAwaiting(Duration.ofSeconds(20), starting,
        waits::incrementAndGet).fingerprint()).as("--secret-file").isEqualTo(inFile.fingerprint());
    env.put(SecretLookup.FILE_ENVIRONMENT_VARIABLE, dir.resolve("given.secret").toString());
    assertThat(lookup(null).clusterSecretAwaiting(Duration.ofSeconds(20), starting, waits::incrementAndGet)
        .fingerprint()).as("HIRO_SECRET_FILE").isEqualTo(inFile.fingerprint());
    env.clear();
    env.put(ClusterSecret.ENVIRONMENT_VARIABLE, "not hex");
    assertThat(refusal(ErrorCode.INVALID_ARGUMENT,
        () -> lookup(null).clusterSecretAwaiting(Duration.ofSeconds(20), starting, waits::incrementAndGet)))
        .contains(ClusterSecret.ENVIRONMENT_VARIABLE);
    assertThat(probes).as("masters probed with a secret found or given").hasValue(0);
    assertThat(waits).as("waits with a secret found or given").hasValue(0);

    env.clear();
    String unwaited = refusal(ErrorCode.PERMISSION_DENIED,
        () -> lookup(null).clusterSecretAwaiting(Duration.ofSeconds(20), () -> false, waits::incrementAndGet));
    assertThat(waits).as("waits with no master starting").hasValue(0);
    String message = refusal(ErrorCode.PERMISSION_DENIED,
        () -> lookup(null).clusterSecretAwaiting(Duration.ofMillis(200), starting, waits::incrementAndGet));
    assertThat(probes).hasValue(1);
    assertThat(waits).hasValue(1);
    assertThat(message).isEqualTo(unwaited).isEqualTo(refusal(ErrorCode.PERMISSION_DENIED,
        () -> lookup(null).clusterSecret()));
  }

  @Test
  void aClientTakesAReadOnlyCredentialFileAndAWorkerDoesNot() {
    Path credential = dir.resolve("player.credential");
    inWork.readOnlyCredential().writeTo(credential);

    assertThat(lookup(credential).callSigner().role()).isEqualTo(Role.READ_ONLY);
    assertThat(refusal(ErrorCode.INVALID_ARGUMENT, () -> lookup(credential).clusterSecret()))
        .contains("read-only credential");
  }

  @Test
  void aMissingGivenFileIsNotFoundAndTheDefaultsAreNotTried() {
    assertThat(refusal(ErrorCode.NOT_FOUND, () -> lookup(dir.resolve("nope")).clusterSecret())).contains("nope");
  }
}
