package io.hiro.master.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's health in one word, with the reasons behind it, worst first:
 * <ul>
 *   <li><b>AT RISK</b>: data is unreadable or one failure from loss: a piece has no good live replica
 *       (missing: some file cannot be read in full), or a piece whose file wants two or more replicas has
 *       only one good live replica left, or no worker is live while files are stored;
 *   <li><b>DEGRADED</b>: nothing is at risk, but the cluster is not as it should be: a piece has fewer good
 *       live replicas than its file wants (re-replication is due or running), no worker is live (no file stored
 *       yet), a worker is dead, late with its
 *       heartbeat (suspect) or expected and never registered (missing), or the master is in safe mode;
 *   <li><b>OK</b>: none of the above.
 * </ul>
 * A pure function of a {@link ClusterView}, so the status page, {@code /status.json}, the metrics and
 * {@code hiro admin report} all say the same.
 */
public record ClusterHealth(Level level, List<String> reasons) {
  public ClusterHealth {
    reasons = List.copyOf(reasons);
  }

  /** Ordered from best to worst. */
  public enum Level {
    OK("OK"), DEGRADED("DEGRADED"), AT_RISK("AT RISK");

    private final String label;

    Level(String label) {
      this.label = label;
    }

    /** As a person reads it: OK, DEGRADED or AT RISK. */
    public String label() {
      return label;
    }
  }

  public static ClusterHealth of(ClusterView view) {
    List<String> atRisk = new ArrayList<>();
    List<String> degraded = new ArrayList<>();
    if (view.missingPieces() > 0) {
      atRisk.add(count(view.missingPieces(), "piece has", "pieces have") + " no good live replica: some files "
          + "cannot be read in full");
    }
    if (view.lastReplicaPieces() > 0) {
      atRisk.add(count(view.lastReplicaPieces(), "piece has", "pieces have") + " a single good replica left "
          + "(one more failure loses it)");
    }
    long live = countWorkers(view, "live") + countWorkers(view, "suspect");
    if (live == 0) {
      (view.pieceCount() > 0 ? atRisk : degraded).add("no worker is live: nothing can be read or written");
    }
    long fewer = view.underReplicatedPieces() - view.missingPieces() - view.lastReplicaPieces();
    if (fewer > 0) {
      degraded.add(count(fewer, "piece has", "pieces have") + " fewer replicas than wanted"
          + (view.pendingCopies() > 0 ? "; " + view.pendingCopies() + " copies under way" : ""));
    }
    for (String state : List.of("dead", "suspect", "missing")) {
      long n = countWorkers(view, state);
      if (n > 0) {
        degraded.add(count(n, "worker", "workers") + " " + state);
      }
    }
    if (view.safeMode()) {
      degraded.add("safe mode: waiting for workers to report; nothing is copied or deleted");
    }
    List<String> reasons = new ArrayList<>(atRisk);
    reasons.addAll(degraded);
    Level level = !atRisk.isEmpty() ? Level.AT_RISK : !degraded.isEmpty() ? Level.DEGRADED : Level.OK;
    return new ClusterHealth(level, reasons);
  }

  /** "OK", or "DEGRADED: 1 worker dead", the line a person reads first. */
  public String line() {
    return reasons.isEmpty() ? level.label() : level.label() + ": " + String.join("; ", reasons);
  }

  private static long countWorkers(ClusterView view, String state) {
    return view.workers().stream().filter(w -> w.state().equals(state)).count();
  }

  private static String count(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}
