package io.hiro.master.rpc;

import io.hiro.common.rpc.AuthInterceptor;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.common.security.CallVerifier;
import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.ReplayCache;
import io.hiro.common.security.TlsFiles;
import io.hiro.proto.NamespaceServiceGrpc;
import java.time.Clock;
import java.util.Set;

/**
 * Who may call what on the master. Every call must carry a credential signed with a key derived
 * from the cluster secret ({@link AuthInterceptor}): the cluster role (workers, trusted clients)
 * may call everything; a read-only credential only the calls that change nothing and return no
 * write permission, {@link #READ_ONLY_METHODS}. Everything else is PERMISSION_DENIED, logged at
 * WARN with the caller's address. Every method not in that list changes state (NamespaceService's
 * CreateFile, AllocateChain, CommitFile, AbortUpload, Mkdir, Delete, Move, ReportBadReplica, and
 * ClusterService's Register, Heartbeat, ReportReplicas), so each credential for it is accepted once
 * ({@link ReplayCache}, bounded by {@code Limits.REPLAY_CACHE_ENTRIES_MAX}).
 */
public final class MasterAccess {
  /**
   * What a read-only credential may call. Stat hands out read tokens; ReportBadReplica is not here,
   * as it makes the master drop a replica: a worker's own checks find a corrupt replica as well.
   */
  public static final Set<String> READ_ONLY_METHODS = Set.of(
      NamespaceServiceGrpc.getStatMethod().getFullMethodName(),
      NamespaceServiceGrpc.getListMethod().getFullMethodName(),
      NamespaceServiceGrpc.getClusterReportMethod().getFullMethodName(),
      NamespaceServiceGrpc.getFsckMethod().getFullMethodName());

  private MasterAccess() {}

  /** The master server's security: TLS as configured (plaintext when {@code tls} is null) and the call check. */
  public static RpcSecurity serverSecurity(ClusterSecret secret, TlsFiles tls) {
    return RpcSecurity.of(tls).withInterceptors(new AuthInterceptor("master",
        new CallVerifier(secret, CallVerifier.WINDOW_DEFAULT), READ_ONLY_METHODS, ReplayCache.forCallWindow(), Clock.systemUTC()));
  }
}
