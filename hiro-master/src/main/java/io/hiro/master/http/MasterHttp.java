package io.hiro.master.http;

import io.hiro.common.http.HttpEndpoint;
import io.hiro.common.http.HttpEndpoint.Response;
import io.hiro.master.core.ClusterView;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The master's HTTP side: the status page at {@code /}, its data at {@code /status.json}, and whatever
 * else the caller adds (the metrics). A snapshot is taken at most once per {@link #SNAPSHOT_MAX_AGE_MILLIS}
 * however many people (or scrapers) look: each one walks every piece under the master's read lock.
 */
public final class MasterHttp {
  static final long SNAPSHOT_MAX_AGE_MILLIS = 1000;

  private final Supplier<ClusterView> source;
  private final LongSupplier clockMillis;
  private ClusterView cached;
  private long cachedAtMillis;

  /** @param source the master's snapshot, e.g. {@code master::clusterReport} */
  public MasterHttp(Supplier<ClusterView> source, LongSupplier clockMillis) {
    this.source = source;
    this.clockMillis = clockMillis;
  }

  /** The latest snapshot, taken again if the cached one is older than a second. */
  public synchronized ClusterView snapshot() {
    long now = clockMillis.getAsLong();
    if (cached == null || now - cachedAtMillis >= SNAPSHOT_MAX_AGE_MILLIS || now < cachedAtMillis) {
      cached = source.get();
      cachedAtMillis = now;
    }
    return cached;
  }

  /** The routes for {@link HttpEndpoint#start}: the page, the JSON, and {@code more} (e.g. /metrics). */
  public Map<String, Supplier<Response>> routes(Map<String, Supplier<Response>> more) {
    Map<String, Supplier<Response>> routes = new LinkedHashMap<>();
    routes.put("/", () -> Response.html(StatusPage.render(snapshot())));
    routes.put("/status.json", () -> Response.json(StatusJson.render(snapshot())));
    routes.putAll(more);
    return routes;
  }
}
