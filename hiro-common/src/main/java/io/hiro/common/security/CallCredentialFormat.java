package io.hiro.common.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The credential a worker or client attaches to every call to the master, in the metadata header
 * {@value #HEADER_NAME}: proof that it holds a role's key, fresh for each call.
 *
 * <pre>
 *   v1.ROLE.MILLIS.NONCE.TAG
 *   ROLE    "cluster" or "read-only" ({@link Role#wireName()})
 *   MILLIS  the caller's clock, milliseconds since the epoch, decimal
 *   NONCE   16 random bytes, base64url without padding (22 characters)
 *   TAG     HMAC-SHA256 under the role's key ({@link Role#keyPurpose()}), base64url without padding
 *           (43 characters), over the ASCII text "hiro call v1\nROLE\nMILLIS\nNONCE\nMETHOD", where
 *           METHOD is the call's full gRPC method name ("hiro.v1.NamespaceService/Stat")
 * </pre>
 * The tag covers the method, so a value seen on the wire cannot be used for another method; the
 * timestamp bounds how long it could be replayed for the same method, and for methods that change
 * state the master's {@link ReplayCache} accepts each value once. Nothing in it is secret: it can
 * travel over plaintext, although only TLS keeps a listener from replaying calls that change nothing.
 */
public final class CallCredentialFormat {
  public static final String HEADER_NAME = "hiro-auth";
  static final String VERSION = "v1";
  static final int NONCE_BYTES = 16;
  /** Longer values are refused before they are parsed. */
  public static final int VALUE_LENGTH_MAX = 128;

  private CallCredentialFormat() {}

  static byte[] signedText(String roleName, long millis, String nonce, String fullMethodName) {
    return ("hiro call " + VERSION + "\n" + roleName + "\n" + millis + "\n" + nonce + "\n" + fullMethodName)
        .getBytes(StandardCharsets.UTF_8);
  }

  static String encode(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static HmacSha256 macFor(byte[] roleKey) {
    return new HmacSha256(roleKey);
  }
}
