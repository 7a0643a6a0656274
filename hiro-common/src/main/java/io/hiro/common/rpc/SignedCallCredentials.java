package io.hiro.common.rpc;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import io.hiro.common.security.CallCredentialFormat;
import io.hiro.common.security.CallSigner;
import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * Attaches a fresh {@link CallCredentialFormat} value to every call, signed by {@code signer}: what
 * workers and clients put on their channel to the master (see {@link RpcSecurity#withCallCredentials}).
 * Signing is one HMAC, so it runs inline on the caller's thread.
 */
public final class SignedCallCredentials extends CallCredentials {
  static final Metadata.Key<String> HEADER =
      Metadata.Key.of(CallCredentialFormat.HEADER_NAME, Metadata.ASCII_STRING_MARSHALLER);

  private final CallSigner signer;
  private final Clock clock;

  public SignedCallCredentials(CallSigner signer, Clock clock) {
    this.signer = signer;
    this.clock = clock;
  }

  @Override
  public void applyRequestMetadata(RequestInfo request, Executor appExecutor, MetadataApplier applier) {
    try {
      Metadata headers = new Metadata();
      headers.put(HEADER, signer.sign(request.getMethodDescriptor().getFullMethodName(), clock.instant()));
      applier.apply(headers);
    } catch (RuntimeException e) {
      applier.fail(Status.INTERNAL.withDescription("cannot sign the call: " + e.getMessage()));
    }
  }

  @Override
  public String toString() {
    return "SignedCallCredentials[" + signer.role().wireName() + "]";
  }
}
