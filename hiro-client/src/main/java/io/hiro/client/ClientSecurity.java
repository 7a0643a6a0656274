package io.hiro.client;

import io.hiro.common.rpc.RpcSecurity;
import io.hiro.common.security.CallSigner;
import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.TlsFiles;
import java.util.Objects;

/**
 * How a client proves who it is: {@code signer} signs every call to the master (with the cluster
 * secret, or a read-only credential that may only list, stat and get), and {@code tls}, when not
 * null, secures every connection, to the master and to the workers. Workers need no credential of
 * the client: they take the piece tokens the master hands out.
 */
public record ClientSecurity(CallSigner signer, TlsFiles tls) {
  public ClientSecurity {
    Objects.requireNonNull(signer, "signer");
  }

  /** A trusted client holding the cluster secret, over plaintext. */
  public static ClientSecurity of(ClusterSecret secret) {
    return new ClientSecurity(CallSigner.forCluster(secret), null);
  }

  public ClientSecurity withTls(TlsFiles files) {
    return new ClientSecurity(signer, files);
  }

  /** The channel to the master: TLS as configured, every call signed. */
  public RpcSecurity master() {
    return RpcSecurity.of(tls).signedBy(signer);
  }

  /** The channels to workers: TLS as configured. */
  public RpcSecurity workers() {
    return RpcSecurity.of(tls);
  }
}
