package io.hiro.common.security;

import io.hiro.common.HiroException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;

/**
 * The caller's side of {@link CallCredentialFormat}: makes a fresh credential for each call from a
 * role's key. Thread-safe; it holds the key, so {@link #toString()} shows only the role.
 */
public final class CallSigner {
  private final Role role;
  private final HmacSha256 mac;
  private final SecureRandom random = new SecureRandom();

  private CallSigner(Role role, byte[] key) {
    this.role = role;
    this.mac = CallCredentialFormat.macFor(key);
  }

  /** Signs as {@link Role#CLUSTER}: a worker or a trusted client. */
  public static CallSigner forCluster(ClusterSecret secret) {
    return new CallSigner(Role.CLUSTER, secret.key(Role.CLUSTER.keyPurpose()));
  }

  /** Signs as {@link Role#READ_ONLY}. */
  public static CallSigner forReadOnly(ReadOnlyCredential credential) {
    return new CallSigner(Role.READ_ONLY, credential.key());
  }

  /**
   * What a client's {@code --secret-file} option wants: a cluster secret file signs as
   * {@link Role#CLUSTER}, a read-only credential file as {@link Role#READ_ONLY}.
   */
  public static CallSigner load(Path file) {
    String text = new String(OwnerOnlyFiles.readOwnerOnly(file, "secret file"), StandardCharsets.US_ASCII).strip();
    return text.startsWith(ReadOnlyCredential.PREFIX)
        ? forReadOnly(ReadOnlyCredential.load(file))
        : forCluster(ClusterSecret.load(file));
  }

  public Role role() {
    return role;
  }

  /** The {@value CallCredentialFormat#HEADER_NAME} value for one call to {@code fullMethodName} at {@code now}. */
  public String sign(String fullMethodName, Instant now) {
    if (fullMethodName == null) {
      throw HiroException.invalid("a call credential needs the method name");
    }
    byte[] nonceBytes = new byte[CallCredentialFormat.NONCE_BYTES];
    random.nextBytes(nonceBytes);
    String nonce = CallCredentialFormat.encode(nonceBytes);
    long millis = now.toEpochMilli();
    byte[] tag = mac.sign(CallCredentialFormat.signedText(role.wireName(), millis, nonce, fullMethodName));
    return String.join(".", CallCredentialFormat.VERSION, role.wireName(), Long.toString(millis), nonce,
        CallCredentialFormat.encode(tag));
  }

  @Override
  public String toString() {
    return "CallSigner[" + role.wireName() + "]";
  }
}
