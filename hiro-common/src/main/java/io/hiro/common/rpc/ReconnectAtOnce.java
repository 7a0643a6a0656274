package io.hiro.common.rpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * Ends a channel's reconnect backoff whenever one of its calls fails with UNAVAILABLE, so that it
 * connects again at once. A channel that failed to connect waits before it tries again, longer
 * after each failure (gRPC's backoff: 1 s, then 1.6 times more each time, up to 2 minutes), and
 * fails calls at once meanwhile: a master back after a restart would stay unreachable that long to
 * the clients and workers that kept calling it. On a connected channel the reset does nothing. A
 * master that stays down then gets one connect attempt per failed call (a heartbeat a second, a
 * read's three attempts), each of which also looks its name up again, rather than fewer and fewer.
 *
 * <p>For the links to the master, which have nowhere else to go. Not for the channels to workers:
 * a read or a chain that fails there moves on to another replica or chain, and a worker whose host
 * is off would make every call wait for a connect attempt instead of failing at once.
 */
public final class ReconnectAtOnce implements ClientInterceptor {
  private final ManagedChannel channel;

  private ReconnectAtOnce(ManagedChannel channel) {
    this.channel = channel;
  }

  /** {@code channel}, whose calls failing with UNAVAILABLE end its reconnect backoff. */
  public static Channel on(ManagedChannel channel) {
    return ClientInterceptors.intercept(channel, new ReconnectAtOnce(channel));
  }

  @Override
  public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
    return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<A> listener, Metadata headers) {
        super.start(new SimpleForwardingClientCallListener<>(listener) {
          @Override
          public void onClose(Status status, Metadata trailers) {
            // Before the caller hears of the failure, so that a call it makes again finds the channel connecting.
            if (status.getCode() == Status.Code.UNAVAILABLE) {
              channel.resetConnectBackoff();
            }
            super.onClose(status, trailers);
          }
        }, headers);
      }
    };
  }
}
