package io.hiro.common.guard;

import io.hiro.common.Limits;
import io.hiro.common.metrics.Metrics;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;

/**
 * The bounds one daemon puts on strangers, one set per daemon: connections on its gRPC port and on its
 * HTTP port ({@link ConnectionBounds}, each with a {@link WarnThrottle} for its log lines), and the
 * cooldown of addresses whose calls keep being refused ({@link RefusalCooldown}). {@code node} names
 * the daemon in log lines ("master", a worker id).
 */
public record EndpointGuards(String node, ConnectionBounds grpcConnections, WarnThrottle grpcWarnings,
    ConnectionBounds httpConnections, WarnThrottle httpWarnings, RefusalCooldown refusals) {

  /** The bounds of {@link Limits}. */
  public static EndpointGuards defaults(String node, InstantSource clock) {
    return of(node, clock, Limits.CONNECTIONS_PER_ADDRESS_MAX, Limits.CONNECTIONS_MAX);
  }

  /** Other connection bounds (tests), the cooldown of {@link Limits}. */
  public static EndpointGuards of(String node, InstantSource clock, int connectionsPerAddressMax, int connectionsMax) {
    long warnMillis = TimeUnit.SECONDS.toMillis(Limits.BOUND_WARN_INTERVAL_SECONDS);
    return new EndpointGuards(node,
        new ConnectionBounds(connectionsPerAddressMax, connectionsMax), new WarnThrottle(clock, warnMillis),
        new ConnectionBounds(connectionsPerAddressMax, connectionsMax), new WarnThrottle(clock, warnMillis),
        new RefusalCooldown(clock, Limits.REFUSALS_PER_WINDOW_MAX,
            TimeUnit.SECONDS.toMillis(Limits.REFUSALS_WINDOW_SECONDS),
            TimeUnit.SECONDS.toMillis(Limits.REFUSAL_COOLDOWN_SECONDS), Limits.REFUSING_ADDRESSES_MAX));
  }

  /** Exposes the bounds' counts at {@code /metrics}. */
  public void registerIn(Metrics metrics) {
    metrics.gauge("hiro_grpc_connections_open", "Connections open on the gRPC port", grpcConnections::open);
    metrics.counter("hiro_grpc_connections_refused", "Connections to the gRPC port closed at once by a bound "
        + "(per address or in all)", grpcConnections::refused);
    metrics.gauge("hiro_http_connections_open", "Connections open on the HTTP port", httpConnections::open);
    metrics.counter("hiro_http_connections_refused", "Connections to the HTTP port closed at once by a bound "
        + "(per address or in all)", httpConnections::refused);
    metrics.counter("hiro_rpc_refusal_cooldowns", "Times an address started to cool down after too many calls "
        + "refused for their credential or token", refusals::cooldowns);
    metrics.counter("hiro_rpc_calls_refused_cooling_down", "Calls refused with RESOURCE_EXHAUSTED, unchecked, "
        + "because their address was cooling down", refusals::refusedCoolingDown);
    metrics.gauge("hiro_rpc_addresses_cooling_down", "Addresses cooling down now", refusals::addressesCoolingDown);
  }
}
