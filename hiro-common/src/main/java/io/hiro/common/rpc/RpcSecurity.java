package io.hiro.common.rpc;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.security.CallSigner;
import io.hiro.common.security.TlsFiles;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * How an endpoint secures its gRPC connections: plaintext or TLS ({@code tls}, null for plaintext),
 * plus what a channel attaches to each call ({@code callCredentials}, null for nothing) and what a
 * server checks on each call ({@code interceptors}). One value serves a daemon both ways: servers
 * ignore {@code callCredentials}, channels ignore {@code interceptors}.
 *
 * <p>With TLS, a server presents {@link TlsFiles#certificate()}; with a CA it also requires every
 * client to present a certificate from that CA (mutual TLS). A channel checks that the server's
 * certificate comes from the CA and names the host it dialled, and presents its own certificate
 * when it has one.
 */
public record RpcSecurity(TlsFiles tls, CallCredentials callCredentials, List<ServerInterceptor> interceptors) {
  public static final RpcSecurity PLAINTEXT = new RpcSecurity(null, null, List.of());

  public RpcSecurity {
    interceptors = List.copyOf(interceptors);
  }

  public static RpcSecurity tls(TlsFiles files) {
    return new RpcSecurity(files, null, List.of());
  }

  /** TLS with {@code files}, or plaintext when they are null (no {@code --tls-*} option given). */
  public static RpcSecurity of(TlsFiles files) {
    return files == null ? PLAINTEXT : tls(files);
  }

  /** Attaches a fresh credential signed by {@code signer} to every call (channels to the master). */
  public RpcSecurity signedBy(CallSigner signer) {
    return withCallCredentials(new SignedCallCredentials(signer, Clock.systemUTC()));
  }

  /** Logs, once at a daemon's start, how its connections are secured: TLS at INFO, plaintext as a WARN. */
  public void logAtStart(Logger log, String node) {
    if (isTls()) {
      log.info("{}: {}", node, tls.describe());
    } else {
      log.warn("{}: traffic is not encrypted (no --tls-cert, --tls-key, --tls-ca): run it only on a network you "
          + "trust", node);
    }
  }

  public RpcSecurity withCallCredentials(CallCredentials credentials) {
    return new RpcSecurity(tls, credentials, interceptors);
  }

  /** Adds interceptors; as in gRPC, the one added last runs first. */
  public RpcSecurity withInterceptors(ServerInterceptor... more) {
    List<ServerInterceptor> all = new ArrayList<>(interceptors);
    all.addAll(List.of(more));
    return new RpcSecurity(tls, callCredentials, all);
  }

  public boolean isTls() {
    return tls != null;
  }

  ServerCredentials serverCredentials() {
    if (tls == null) {
      return InsecureServerCredentials.create();
    }
    if (!tls.hasKeyPair()) {
      throw HiroException.invalid("a TLS server needs its certificate and key (--tls-cert and --tls-key)");
    }
    try {
      TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder()
          .keyManager(tls.certificate().toFile(), tls.privateKey().toFile());
      if (tls.hasCertificateAuthority()) {
        builder.trustManager(tls.certificateAuthority().toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      return builder.build();
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  ChannelCredentials channelCredentials() {
    ChannelCredentials transport = tls == null ? InsecureChannelCredentials.create() : tlsChannelCredentials();
    return callCredentials == null ? transport : CompositeChannelCredentials.create(transport, callCredentials);
  }

  private ChannelCredentials tlsChannelCredentials() {
    try {
      TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
      if (tls.hasKeyPair()) {
        builder.keyManager(tls.certificate().toFile(), tls.privateKey().toFile());
      }
      if (tls.hasCertificateAuthority()) {
        builder.trustManager(tls.certificateAuthority().toFile());
      }
      return builder.build();
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  private HiroException unreadable(IOException e) {
    return new HiroException(ErrorCode.UNAVAILABLE, "cannot read the TLS files (" + tls.describe() + "): "
        + e.getMessage(), e);
  }
}
