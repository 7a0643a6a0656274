package io.hiro.common.rpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.security.CallVerifier;
import io.hiro.common.security.ReplayCache;
import io.hiro.common.security.Role;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a call through only with a valid {@link io.hiro.common.security.CallCredentialFormat} value:
 * {@link Role#CLUSTER} may call every method, {@link Role#READ_ONLY} only the full method names in
 * {@code readOnlyMethods} (the daemon passes those that change nothing, e.g.
 * {@code NamespaceServiceGrpc.getStatMethod().getFullMethodName()}). The role of a call that got
 * through is {@link #currentRole()} while the service handles it.
 *
 * <p>Every other method changes state, so its credential is accepted once: it goes through
 * {@code replays}, and a credential seen before (a captured call sent again) is refused with
 * PERMISSION_DENIED "credential already used". Calls that change nothing need no such check. A
 * method added later is checked unless it is named as changing nothing.
 *
 * <p>Every refusal is PERMISSION_DENIED, through {@link StatusMapping} like any other
 * {@link HiroException}: the issue asks for PERMISSION_DENIED for a wrong or missing secret, and
 * Hiro has one code for "may not" (gRPC's UNAUTHENTICATED, which some peers send, maps to the same
 * {@link ErrorCode#PERMISSION_DENIED} and exit code in {@link StatusMapping#codeOf}). The
 * description says why and how to fix it; the client's CLI prints it as one line. Each refusal is
 * logged at WARN with the peer's address and the reason, never the credential.
 */
public final class AuthInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(AuthInterceptor.class);
  private static final Context.Key<Role> ROLE = Context.key("hiro-role");

  private final String node;
  private final CallVerifier verifier;
  private final Set<String> readOnlyMethods;
  private final ReplayCache replays;
  private final Clock clock;

  /** {@code node} names this daemon in log lines ("master"). */
  public AuthInterceptor(String node, CallVerifier verifier, Set<String> readOnlyMethods, ReplayCache replays,
      Clock clock) {
    this.node = node;
    this.verifier = verifier;
    this.readOnlyMethods = Set.copyOf(readOnlyMethods);
    this.replays = replays;
    this.clock = clock;
  }

  /** The role of the call being handled on this thread; empty outside a call that passed this interceptor. */
  public static Optional<Role> currentRole() {
    return Optional.ofNullable(ROLE.get());
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Role role;
    try {
      Instant now = clock.instant();
      CallVerifier.Verified verified = verifier.check(headers.get(SignedCallCredentials.HEADER), method, now);
      role = verified.role();
      boolean changesState = !readOnlyMethods.contains(method);
      if (role == Role.READ_ONLY && changesState) {
        throw new HiroException(ErrorCode.PERMISSION_DENIED, "call refused: a read-only credential may list, stat "
            + "and get but not call " + method + "; this needs the cluster secret");
      }
      if (changesState) {
        replays.accept(verified.replayKey(), verified.millis(), now.toEpochMilli());
      }
    } catch (HiroException refused) {
      LOG.warn("{}: refused {} from {}: {}", node, method, call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
          refused.getMessage());
      Status status = StatusMapping.toStatus(refused);
      call.close(status, new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(ROLE, role), call, headers, next);
  }
}
