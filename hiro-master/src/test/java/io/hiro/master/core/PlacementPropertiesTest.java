package io.hiro.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.WorkerId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Placement's rules hold for random clusters: live candidates only, distinct, most free first, spread over hosts,
 * late (suspect) workers only after every prompt one, the primary taking turns among the prompt ones.
 * jqwik has no per-property timeout: tries are bounded here and the module pom bounds the whole test run.
 */
class PlacementPropertiesTest {

  @Provide
  Arbitrary<List<Placement.Candidate>> clusters() {
    Arbitrary<Placement.Candidate> candidate = Combinators.combine(
        Arbitraries.integers().between(0, 30),
        Arbitraries.integers().between(0, 5),
        Arbitraries.longs().between(0, 1000))
        .as((id, host, free) -> new Placement.Candidate(new WorkerId("w" + id), "h" + host, free, false));
    return candidate.list().ofMaxSize(25).uniqueElements(Placement.Candidate::id);
  }

  /** As {@link #clusters}, some of them late with their heartbeat (suspect). */
  @Provide
  Arbitrary<List<Placement.Candidate>> clustersWithLateWorkers() {
    Arbitrary<Placement.Candidate> candidate = Combinators.combine(
        Arbitraries.integers().between(0, 30),
        Arbitraries.integers().between(0, 5),
        Arbitraries.longs().between(0, 1000),
        Arbitraries.of(true, false))
        .as((id, host, free, late) -> new Placement.Candidate(new WorkerId("w" + id), "h" + host, free, late));
    return candidate.list().ofMaxSize(25).uniqueElements(Placement.Candidate::id);
  }

  @Property(tries = 500)
  void lateWorkersFillOnlyWhatPromptOnesCannotAndComeAfterThem(
      @ForAll("clustersWithLateWorkers") List<Placement.Candidate> candidates,
      @ForAll @IntRange(min = 1, max = 16) int length) {
    List<WorkerId> chain = Placement.chain(candidates, length, Set.of(), 0);

    Map<WorkerId, Placement.Candidate> byId = new HashMap<>();
    candidates.forEach(c -> byId.put(c.id(), c));
    assertThat(chain).hasSize(Math.min(length, candidates.size()));
    List<Boolean> late = chain.stream().map(w -> byId.get(w).late()).toList();
    assertThat(late).as("no prompt worker after a late one").isSortedAccordingTo(Boolean::compare);
    long promptInChain = late.stream().filter(l -> !l).count();
    long promptEligible = candidates.stream().filter(c -> !c.late()).count();
    assertThat(promptInChain).isEqualTo(Math.min(length, promptEligible));
    if (promptEligible > 0) {
      long mostFreePrompt = candidates.stream().filter(c -> !c.late())
          .mapToLong(Placement.Candidate::freeBytes).max().orElseThrow();
      assertThat(byId.get(chain.getFirst()).freeBytes()).isEqualTo(mostFreePrompt);
      assertThat(byId.get(chain.getFirst()).late()).isFalse();
    }
  }

  @Provide
  Arbitrary<Set<WorkerId>> exclusions() {
    return Arbitraries.integers().between(0, 30).map(i -> new WorkerId("w" + i)).set().ofMaxSize(5);
  }

  @Property(tries = 500)
  void chainsFollowThePlacementRules(@ForAll("clusters") List<Placement.Candidate> candidates,
      @ForAll @IntRange(min = 1, max = 16) int length, @ForAll("exclusions") Set<WorkerId> excluded) {
    List<WorkerId> chain = Placement.chain(candidates, length, excluded, 0);

    Map<WorkerId, Placement.Candidate> byId = new HashMap<>();
    List<Placement.Candidate> eligible = new ArrayList<>();
    for (Placement.Candidate c : candidates) {
      byId.put(c.id(), c);
      if (!excluded.contains(c.id())) {
        eligible.add(c);
      }
    }
    // Only candidates, never excluded ones, never two replicas on one worker.
    assertThat(chain).allSatisfy(w -> assertThat(byId).containsKey(w));
    assertThat(chain).noneMatch(excluded::contains);
    assertThat(chain).doesNotHaveDuplicates();
    // As many as asked, or every eligible worker.
    assertThat(chain).hasSize(Math.min(length, eligible.size()));
    if (chain.isEmpty()) {
      return;
    }
    // At turn 0, the primary has the most free space of all eligible workers.
    long mostFree = eligible.stream().mapToLong(Placement.Candidate::freeBytes).max().orElseThrow();
    assertThat(byId.get(chain.getFirst()).freeBytes()).isEqualTo(mostFree);
    // Spread over as many distinct hosts as the chain length allows.
    Set<String> hostsAvailable = new HashSet<>();
    eligible.forEach(c -> hostsAvailable.add(c.host()));
    Set<String> hostsUsed = new HashSet<>();
    chain.forEach(w -> hostsUsed.add(byId.get(w).host()));
    assertThat(hostsUsed).hasSize(Math.min(chain.size(), hostsAvailable.size()));
    // Each host is represented by its worker with the most free space.
    for (String host : hostsUsed) {
      long bestOnHost = eligible.stream().filter(c -> c.host().equals(host))
          .mapToLong(Placement.Candidate::freeBytes).max().orElseThrow();
      assertThat(chain.stream().map(byId::get).filter(c -> c.host().equals(host))
          .mapToLong(Placement.Candidate::freeBytes).max().orElseThrow()).isEqualTo(bestOnHost);
    }
  }

  @Property(tries = 500)
  void thePrimaryTakesTurnsAmongThePromptWorkersOfTheSameChain(
      @ForAll("clustersWithLateWorkers") List<Placement.Candidate> candidates,
      @ForAll @IntRange(min = 1, max = 16) int length, @ForAll @IntRange(min = 0, max = 1_100_000_000) int turn) {
    List<WorkerId> first = Placement.chain(candidates, length, Set.of(), 0);
    List<WorkerId> chain = Placement.chain(candidates, length, Set.of(), turn);

    Set<WorkerId> late = new HashSet<>();
    candidates.stream().filter(Placement.Candidate::late).forEach(c -> late.add(c.id()));
    List<WorkerId> prompt = first.stream().filter(w -> !late.contains(w)).toList();
    List<WorkerId> rotated = new ArrayList<>(prompt);
    java.util.Collections.rotate(rotated, prompt.isEmpty() ? 0 : -Math.floorMod(turn, prompt.size()));
    // The same workers, the prompt ones rotated by the turn, the late ones after them in the same order.
    assertThat(chain.subList(0, prompt.size())).containsExactlyElementsOf(rotated);
    assertThat(chain.subList(prompt.size(), chain.size()))
        .containsExactlyElementsOf(first.subList(prompt.size(), first.size()));
    // As many consecutive turns as prompt workers make each of them the primary once.
    Set<WorkerId> primaries = new HashSet<>();
    for (int t = 0; t < prompt.size(); t++) {
      primaries.add(Placement.chain(candidates, length, Set.of(), turn + t).getFirst());
    }
    assertThat(primaries).containsExactlyInAnyOrderElementsOf(prompt);
  }

  @Property(tries = 200)
  void onlyLiveWorkersWithRoomAreOfferedAsCandidates(@ForAll @IntRange(min = 1, max = 8) int workers,
      @ForAll @IntRange(min = 0, max = 8) int deadCount) {
    MasterFixture fixture = new MasterFixture();
    fixture.registerWorkers(workers);
    int dead = Math.min(deadCount, workers - 1);
    fixture.clock.advance(java.time.Duration.ofSeconds(31));
    for (int i = dead + 1; i <= workers; i++) {
      fixture.heartbeat("w" + i);
    }

    UploadView upload = fixture.create("/f", 3 * MasterFixture.PIECE, false);

    assertThat(upload.pieces()).allSatisfy(p -> {
      assertThat(p.replicas()).hasSize(Math.min(3, workers - dead));
      assertThat(p.replicas()).allSatisfy(r ->
          assertThat(Integer.parseInt(r.id().value().substring(1))).isGreaterThan(dead));
    });
  }
}
