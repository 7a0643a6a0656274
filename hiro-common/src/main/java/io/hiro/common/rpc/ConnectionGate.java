package io.hiro.common.rpc;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.hiro.common.guard.ConnectionBounds;
import io.hiro.common.guard.WarnThrottle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits on a listening channel and sees each accepted connection before anything is set up for it:
 * one over its {@link ConnectionBounds} is closed at once (its socket only, nothing read, nothing
 * allocated), one within them is counted until it closes. A WARN says so, at most once per interval
 * of the {@link WarnThrottle}, with the address and how many were closed since the last line.
 */
@ChannelHandler.Sharable
public final class ConnectionGate extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGate.class);

  private final String node;
  private final String port;
  private final ConnectionBounds bounds;
  private final WarnThrottle warnings;

  /** {@code node} and {@code port} ("gRPC", "HTTP") name the listener in log lines. */
  public ConnectionGate(String node, String port, ConnectionBounds bounds, WarnThrottle warnings) {
    this.node = node;
    this.port = port;
    this.bounds = bounds;
    this.warnings = warnings;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (!(message instanceof Channel connection)
        || !(connection.remoteAddress() instanceof InetSocketAddress remote) || remote.getAddress() == null) {
      ctx.fireChannelRead(message);
      return;
    }
    InetAddress address = remote.getAddress();
    ConnectionBounds.Admission admission = bounds.admit(address);
    if (admission != ConnectionBounds.Admission.ADMITTED) {
      connection.unsafe().closeForcibly();
      warn(address, admission);
      return;
    }
    connection.closeFuture().addListener(closed -> bounds.release(address));
    ctx.fireChannelRead(connection);
  }

  private void warn(InetAddress address, ConnectionBounds.Admission admission) {
    long heldBack = warnings.tryLog();
    if (heldBack < 0) {
      return;
    }
    String bound = admission == ConnectionBounds.Admission.OVER_ADDRESS_BOUND
        ? bounds.perAddressMax() + " per address" : bounds.totalMax() + " in all";
    LOG.warn("{}: closed a new {} connection from {}: over the bound of {} open connections ({} open from that "
        + "address, {} in all); {} more closed since the last such line, {} since the start", node, port,
        address.getHostAddress(), bound, bounds.openFrom(address), bounds.open(), heldBack, bounds.refused());
  }
}
