package io.hiro.app;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the acknowledged operations promise about each path. After an acknowledged put a path
 * holds exactly that content; after an operation that failed without an answer (the master died
 * mid-call, say) the path may hold either the old or the new state, until a read tells which.
 */
final class SoakOracle {
  /** A file's content, by SHA-256 and size; {@link #ABSENT} when no file is there. */
  record Content(String sha256Hex, long sizeBytes) {
    static final Content ABSENT = new Content("", -1);

    boolean absent() {
      return sizeBytes < 0;
    }
  }

  private final Map<String, Set<Content>> possible = new TreeMap<>();

  Set<Content> possible(String path) {
    return possible.getOrDefault(path, Set.of(Content.ABSENT));
  }

  boolean certainlyPresent(String path) {
    return possible(path).stream().noneMatch(Content::absent);
  }

  boolean certainlyAbsent(String path) {
    Set<Content> states = possible(path);
    return states.size() == 1 && states.iterator().next().absent();
  }

  /** The operation was acknowledged: the path now holds exactly this. */
  void acknowledged(String path, Content content) {
    possible.put(path, Set.of(content));
  }

  /** The operation failed without a clear answer: the path holds its old state or this one. */
  void maybe(String path, Content content) {
    Set<Content> states = new HashSet<>(possible(path));
    states.add(content);
    possible.put(path, Set.copyOf(states));
  }

  /** A read (or a clear refusal) showed which state the path is in. */
  void observed(String path, Content content) {
    possible.put(path, Set.of(content));
  }

  /** Paths whose content some acknowledged or possible operation put there. */
  Set<String> paths() {
    return possible.keySet();
  }
}
