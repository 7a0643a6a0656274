package io.hiro.master.core;

import io.hiro.common.WorkerId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses the chain of workers for one piece. Rules, in order of priority:
 * <ol>
 *   <li>only the candidates given (the caller passes live workers with room for the piece), minus the excluded;
 *   <li>never two replicas on one worker;
 *   <li>as many as asked for, or every eligible worker if there are fewer;
 *   <li>prompt workers before late ones (suspect: late with their heartbeat): a late worker is in a
 *       chain only where the prompt ones cannot fill it, and then after all of them, so that one
 *       that fails cuts no prompt worker's replica off the chain;
 *   <li>spread over distinct hosts when it can: the prompt workers of a chain cover min(length,
 *       their hosts) hosts, and late ones go to hosts not yet used first;
 *   <li>most free space first (free bytes minus bytes promised to open uploads): each host's best
 *       worker is the one used;
 *   <li>the primary takes turns: the chain's prompt workers, in the order above, are rotated by the
 *       caller's {@code turn}, so that the pieces of a file, and one file after another, share out the
 *       primary's extra work (taking the client's stream and answering it) instead of giving it all to
 *       the worker with the most free space, which every worker of a chain of all of them would tie
 *       for on one disk. Turn 0 makes the worker with the most free space the primary.
 * </ol>
 * Ties break on the worker id, so placement is a pure function of its inputs. {@link #target} picks
 * the one worker a re-replication copy goes to, a prompt one whenever it can.
 */
public final class Placement {
  private Placement() {}

  /** A live worker that could take the piece, with its free space after promises; {@code late}: suspect. */
  public record Candidate(WorkerId id, String host, long freeBytes, boolean late) {}

  private static final Comparator<Candidate> MOST_FREE_FIRST =
      Comparator.comparingLong(Candidate::freeBytes).reversed().thenComparing(Candidate::id);

  /** The chain for one piece; {@code turn} (any int) chooses which of its prompt workers is the primary. */
  public static List<WorkerId> chain(List<Candidate> candidates, int length, Set<WorkerId> excluded, int turn) {
    List<Candidate> prompt = new ArrayList<>();
    List<Candidate> late = new ArrayList<>();
    Set<WorkerId> seen = new HashSet<>();
    for (Candidate candidate : candidates) {
      if (!excluded.contains(candidate.id()) && seen.add(candidate.id())) {
        (candidate.late() ? late : prompt).add(candidate);
      }
    }
    List<WorkerId> chain = new ArrayList<>();
    Set<String> hostsUsed = new HashSet<>();
    fill(chain, prompt, length, hostsUsed);
    if (!chain.isEmpty()) {
      Collections.rotate(chain, -Math.floorMod(turn, chain.size()));
    }
    fill(chain, late, length, hostsUsed); // last in the chain: one that fails cuts off no prompt replica
    return List.copyOf(chain);
  }

  /** Adds {@code candidates} to {@code chain} up to {@code length}: most free first, hosts not yet used first. */
  private static void fill(List<WorkerId> chain, List<Candidate> candidates, int length, Set<String> hostsUsed) {
    candidates.sort(MOST_FREE_FIRST);
    List<Candidate> sameHost = new ArrayList<>();
    for (Candidate candidate : candidates) {
      if (chain.size() == length) {
        return;
      }
      if (hostsUsed.add(candidate.host())) {
        chain.add(candidate.id());
      } else {
        sameHost.add(candidate);
      }
    }
    for (Candidate candidate : sameHost) {
      if (chain.size() == length) {
        return;
      }
      chain.add(candidate.id());
    }
  }

  /**
   * The worker a new replica of a piece should go to, or null if none is eligible: a candidate not
   * excluded (holders, pending targets, recent failures), prompt if one is, on a host that holds no
   * replica yet if there is one, most free space first.
   */
  public static WorkerId target(List<Candidate> candidates, Set<WorkerId> excluded, Set<String> hostsHolding) {
    Comparator<Candidate> best = Comparator.comparing(Candidate::late)
        .thenComparing(candidate -> hostsHolding.contains(candidate.host())).thenComparing(MOST_FREE_FIRST);
    return candidates.stream().filter(candidate -> !excluded.contains(candidate.id())).min(best)
        .map(Candidate::id).orElse(null);
  }
}
