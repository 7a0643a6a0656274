package io.hiro.master.http;

import io.hiro.common.Sizes;
import io.hiro.master.core.ClusterEvent;
import io.hiro.master.core.ClusterHealth;
import io.hiro.master.core.ClusterView;
import java.util.List;
import java.util.Locale;

/**
 * The master's status page: one HTML document from one {@link ClusterView}, a pure function, so tests
 * render it without a server. One column that reads on a phone, inline CSS only (no script, nothing
 * fetched from anywhere), and a meta refresh every {@link #REFRESH_SECONDS} seconds. Every string that
 * came from outside (worker ids and addresses, event messages) is escaped.
 */
public final class StatusPage {
  public static final int REFRESH_SECONDS = 5;

  private static final String STYLE = """
      :root{--ok:#1b7f3b;--degraded:#a86400;--risk:#b3261e;--fg:#1d1d1f;--muted:#5f6368;--bg:#fff;--card:#f4f5f7;--bar:#d9dce1}
      @media (prefers-color-scheme:dark){:root{--fg:#e8eaed;--muted:#9aa0a6;--bg:#17181a;--card:#222427;--bar:#3c4043}}
      *{box-sizing:border-box}
      body{margin:0 auto;max-width:42rem;padding:1rem;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
      h1{font-size:1.2rem;margin:0 0 .5rem}h2{font-size:1rem;margin:1.5rem 0 .5rem}
      .health{font-size:1.6rem;font-weight:700;padding:.6rem .9rem;border-radius:.5rem;color:#fff;margin:0}
      .health.ok{background:var(--ok)}.health.degraded{background:var(--degraded)}.health.at-risk{background:var(--risk)}
      ul.reasons{margin:.5rem 0 0;padding-left:1.2rem}
      .card{background:var(--card);border-radius:.5rem;padding:.7rem .9rem;margin:.5rem 0}
      .row{display:flex;justify-content:space-between;gap:.5rem;flex-wrap:wrap}
      .id{font-weight:600;overflow-wrap:anywhere}.muted{color:var(--muted);font-size:.9rem}
      .state{font-weight:700;text-transform:uppercase;font-size:.85rem}
      .state.live{color:var(--ok)}.state.suspect{color:var(--degraded)}.state.dead,.state.missing{color:var(--risk)}
      .bar{height:.6rem;background:var(--bar);border-radius:.3rem;overflow:hidden;margin:.4rem 0}
      .bar span{display:block;height:100%;background:var(--ok)}.bar span.full{background:var(--risk)}
      dl{display:grid;grid-template-columns:1fr auto;gap:.2rem 1rem;margin:0}dd{margin:0;text-align:right;font-variant-numeric:tabular-nums}
      dd.bad{color:var(--risk);font-weight:700}
      ol.events{list-style:none;padding:0;margin:0}ol.events li{padding:.35rem 0;border-bottom:1px solid var(--bar);overflow-wrap:anywhere}
      footer{margin-top:1.5rem;font-size:.85rem;color:var(--muted)}a{color:inherit}
      """;

  private StatusPage() {}

  public static String render(ClusterView view) {
    ClusterHealth health = view.health();
    StringBuilder page = new StringBuilder(8192);
    page.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">")
        .append("<title>Hiro: ").append(health.level().label()).append("</title><style>").append(STYLE)
        .append("</style></head>\n<body>\n");
    health(page, health);
    data(page, view);
    workers(page, view);
    events(page, view);
    page.append("<footer>Refreshes every ").append(REFRESH_SECONDS).append(" s. ")
        .append("<a href=\"status.json\">status.json</a> · <a href=\"metrics\">metrics</a></footer>\n")
        .append("</body></html>\n");
    return page.toString();
  }

  private static void health(StringBuilder page, ClusterHealth health) {
    page.append("<header><h1>Hiro cluster</h1><p id=\"health\" class=\"health ")
        .append(health.level().name().toLowerCase(Locale.ROOT).replace('_', '-')).append("\">")
        .append(health.level().label()).append("</p>");
    if (!health.reasons().isEmpty()) {
      page.append("<ul class=\"reasons\" id=\"reasons\">");
      health.reasons().forEach(r -> page.append("<li>").append(Html.escape(r)).append("</li>"));
      page.append("</ul>");
    }
    page.append("</header>\n");
  }

  private static void data(StringBuilder page, ClusterView view) {
    page.append("<section id=\"data\"><h2>Data</h2><div class=\"card\"><dl>");
    term(page, "Files", Long.toString(view.fileCount()), false);
    term(page, "Stored", Sizes.format(view.bytesStored()), false);
    term(page, "Directories", Long.toString(view.directoryCount()), false);
    term(page, "Pieces", Long.toString(view.pieceCount()), false);
    term(page, "Under-replicated pieces", Long.toString(view.underReplicatedPieces()), view.underReplicatedPieces() > 0);
    term(page, "Pieces with one replica left", Long.toString(view.lastReplicaPieces()), view.lastReplicaPieces() > 0);
    term(page, "Missing pieces", Long.toString(view.missingPieces()), view.missingPieces() > 0);
    term(page, "Copies under way", Long.toString(view.pendingCopies()), false);
    if (view.safeMode()) {
      term(page, "Safe mode", "on, " + (view.safeModeRemainingMillis() + 999) / 1000 + " s left at most", true);
    }
    page.append("</dl></div></section>\n");
  }

  private static void term(StringBuilder page, String name, String value, boolean bad) {
    page.append("<dt>").append(name).append("</dt><dd").append(bad ? " class=\"bad\"" : "").append('>')
        .append(Html.escape(value)).append("</dd>");
  }

  private static void workers(StringBuilder page, ClusterView view) {
    List<ClusterView.WorkerState> workers = view.workers();
    page.append("<section id=\"workers\"><h2>Workers (").append(workers.size()).append(")</h2>\n");
    if (workers.isEmpty()) {
      page.append("<p class=\"muted\">No worker has registered yet: start one with "
          + "<code>hiro worker --master HOST:PORT</code>.</p>");
    }
    for (ClusterView.WorkerState worker : workers) {
      String name = worker.workerId().isEmpty() ? "(not registered)" : worker.workerId();
      page.append("<div class=\"card worker\" data-state=\"").append(Html.escape(worker.state())).append("\">")
          .append("<div class=\"row\"><span class=\"id\">").append(Html.escape(name)).append("</span>")
          .append("<span class=\"state ").append(Html.escape(worker.state())).append("\">")
          .append(Html.escape(worker.state())).append("</span></div>")
          .append("<div class=\"muted\">").append(Html.escape(worker.address())).append("</div>");
      if (worker.workerId().isEmpty()) {
        page.append("<div class=\"muted\">expected (--workers), never registered</div></div>\n");
        continue;
      }
      int percent = worker.capacityBytes() <= 0 ? 0
          : (int) Math.min(100, Math.round(100.0 * worker.usedBytes() / worker.capacityBytes()));
      page.append("<div class=\"bar\" title=\"").append(percent).append("% used\"><span")
          .append(percent >= 90 ? " class=\"full\"" : "").append(" style=\"width:").append(percent)
          .append("%\"></span></div>")
          .append("<div class=\"muted\">").append(Sizes.format(worker.usedBytes())).append(" of ")
          .append(Sizes.format(worker.capacityBytes())).append(" used (").append(percent).append("%) · ")
          .append(worker.replicaCount()).append(" replicas · heartbeat ")
          .append(ago(view.reportMillis() - worker.lastHeartbeatMillis())).append("</div></div>\n");
    }
    page.append("</section>\n");
  }

  private static void events(StringBuilder page, ClusterView view) {
    page.append("<section id=\"events\"><h2>Recent events</h2>");
    if (view.events().isEmpty()) {
      page.append("<p class=\"muted\">Nothing has happened since the master started.</p>");
    } else {
      page.append("<ol class=\"events\">");
      for (ClusterEvent event : view.events().reversed()) {
        page.append("<li data-kind=\"").append(Html.escape(event.kind())).append("\"><span class=\"muted\">")
            .append(ago(view.reportMillis() - event.atMillis())).append("</span> ")
            .append(Html.escape(event.message()));
        if (event.count() > 1) {
          page.append(" <span class=\"muted\">(and ").append(event.count() - 1).append(" more like it)</span>");
        }
        page.append("</li>");
      }
      page.append("</ol>");
    }
    page.append("</section>\n");
  }

  /** "just now", "12 s ago", "3 min ago", "5 h ago", "2 days ago". */
  static String ago(long millis) {
    long seconds = Math.max(0, millis) / 1000;
    if (seconds < 1) {
      return "just now";
    }
    if (seconds < 90) {
      return seconds + " s ago";
    }
    if (seconds < 90 * 60) {
      return seconds / 60 + " min ago";
    }
    if (seconds < 48 * 3600) {
      return seconds / 3600 + " h ago";
    }
    return seconds / 86400 + " days ago";
  }
}
