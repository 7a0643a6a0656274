package io.hiro.common.rpc;

import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.hiro.common.guard.RefusalCooldown;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC side of {@link RefusalCooldown}, run before every other interceptor of a server: a call from
 * an address that cools down is closed at once with RESOURCE_EXHAUSTED (no credential checked, nothing
 * logged); every other call is watched, and its close with PERMISSION_DENIED or UNAUTHENTICATED (by the
 * {@link AuthInterceptor}, or by a worker refusing a piece token) is counted against its address. The
 * refusal that starts a cooldown is logged, once per cooldown.
 */
final class RefusalCooldownInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(RefusalCooldownInterceptor.class);

  private final String node;
  private final RefusalCooldown cooldown;

  RefusalCooldownInterceptor(String node, RefusalCooldown cooldown) {
    this.node = node;
    this.cooldown = cooldown;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (!(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR) instanceof InetSocketAddress remote)
        || remote.getAddress() == null) {
      return next.startCall(call, headers);
    }
    InetAddress address = remote.getAddress();
    if (cooldown.coolingDown(address)) {
      call.close(Status.RESOURCE_EXHAUSTED.withDescription("too many refused calls from " + address.getHostAddress()
          + "; calls from there are refused for " + TimeUnit.MILLISECONDS.toSeconds(cooldown.cooldownMillis())
          + " s; check the cluster secret (--secret-file) of what runs there"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        if (isRefusal(status.getCode()) && cooldown.refused(address)) {
          LOG.warn("{}: more than {} calls from {} refused for their credential or token within a few seconds; "
              + "its calls are refused unchecked and unlogged for the next {} s", node, cooldown.refusalsMax(),
              address.getHostAddress(), TimeUnit.MILLISECONDS.toSeconds(cooldown.cooldownMillis()));
        }
        super.close(status, trailers);
      }
    }, headers);
  }

  private static boolean isRefusal(Status.Code code) {
    return code == Status.Code.PERMISSION_DENIED || code == Status.Code.UNAUTHENTICATED;
  }
}
