package io.hiro.master;

import io.grpc.ManagedChannel;
import io.hiro.common.HostPort;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.common.security.CallSigner;
import io.hiro.common.security.ClusterSecret;
import java.nio.file.Path;

/** Channels to a real master on loopback, each call signed as a test says. */
final class MasterChannels {
  private MasterChannels() {}

  /** Signed as the cluster, with the secret the master keeps in {@code dataDir}. */
  static ManagedChannel asCluster(MasterServer server, Path dataDir) {
    return signedBy(server, CallSigner.forCluster(ClusterSecret.load(dataDir.resolve(ClusterSecret.FILE_NAME))));
  }

  static ManagedChannel signedBy(MasterServer server, CallSigner signer) {
    return Rpc.channel(address(server), RpcSecurity.PLAINTEXT.signedBy(signer));
  }

  /** No credential at all, as a stranger on the network would call. */
  static ManagedChannel unsigned(MasterServer server) {
    return Rpc.channel(address(server));
  }

  private static HostPort address(MasterServer server) {
    return new HostPort("127.0.0.1", server.port());
  }
}
