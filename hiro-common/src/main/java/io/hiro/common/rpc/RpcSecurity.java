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
import io.hiro.common.security.TlsFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

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
