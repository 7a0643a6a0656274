package io.hiro.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.HiroPath;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * {@link Namespace#fileAncestor} and {@link Namespace#deepestExisting} walk down a path once; they
 * must find what looking up each ancestor from the root finds, on any tree of files and directories.
 */
class NamespaceWalkTest {
  @Property(tries = 500)
  void oneWalkDownFindsWhatLookingUpEachAncestorFinds(
      @ForAll("entries") List<Tuple.Tuple2<Boolean, HiroPath>> entries, @ForAll("paths") HiroPath probe) {
    Namespace namespace = new Namespace();
    for (Tuple.Tuple2<Boolean, HiroPath> entry : entries) {
      add(namespace, entry.get2(), entry.get1());
    }

    assertThat(namespace.fileAncestor(probe)).isEqualTo(fileAncestorByLookups(namespace, probe));
    assertThat(namespace.deepestExisting(probe)).isEqualTo(deepestExistingByLookups(namespace, probe));
  }

  @Test
  void aFileOnTheWayIsTheFileAncestorAndTheDeepestExisting() {
    Namespace namespace = new Namespace();
    add(namespace, HiroPath.parse("/a/b/f"), true);

    assertThat(namespace.fileAncestor(HiroPath.parse("/a/b/f/x/y"))).isEqualTo(HiroPath.parse("/a/b/f"));
    assertThat(namespace.deepestExisting(HiroPath.parse("/a/b/f/x/y"))).isEqualTo(HiroPath.parse("/a/b/f"));
    assertThat(namespace.fileAncestor(HiroPath.parse("/a/b/f"))).isNull();
    assertThat(namespace.deepestExisting(HiroPath.parse("/a/b/f"))).isEqualTo(HiroPath.parse("/a/b/f"));
    assertThat(namespace.deepestExisting(HiroPath.parse("/a/c/d"))).isEqualTo(HiroPath.parse("/a"));
    assertThat(namespace.deepestExisting(HiroPath.ROOT)).isEqualTo(HiroPath.ROOT);
    assertThat(namespace.fileAncestor(HiroPath.ROOT)).isNull();
  }

  /** Adds a file or directory at {@code path} where one can go: nothing there yet and no file on the way. */
  private static void add(Namespace namespace, HiroPath path, boolean file) {
    if (fileAncestorByLookups(namespace, path) != null || namespace.lookup(path) != null) {
      return;
    }
    if (file) {
      namespace.mkdirs(path.parent(), 1);
      namespace.put(path, new FileNode(7, 0, 3, 1 << 20, 1, 1, new byte[32], new long[0], new int[0]), 1);
    } else {
      namespace.mkdirs(path, 1);
    }
  }

  private static HiroPath fileAncestorByLookups(Namespace namespace, HiroPath path) {
    for (HiroPath ancestor : path.ancestors()) {
      if (namespace.lookup(ancestor) instanceof FileNode) {
        return ancestor;
      }
    }
    return null;
  }

  private static HiroPath deepestExistingByLookups(Namespace namespace, HiroPath path) {
    HiroPath result = HiroPath.ROOT;
    for (HiroPath candidate : path.ancestors()) {
      if (namespace.lookup(candidate) == null) {
        return result;
      }
      result = candidate;
    }
    return namespace.lookup(path) == null ? result : path;
  }

  @Provide
  Arbitrary<List<Tuple.Tuple2<Boolean, HiroPath>>> entries() {
    return Combinators.combine(Arbitraries.of(true, false), paths()).as(Tuple::of).list().ofMaxSize(12);
  }

  /** Paths of 0 to 4 segments (the root too) over a small alphabet, so that generated entries and probes meet. */
  @Provide
  Arbitrary<HiroPath> paths() {
    return Arbitraries.of("a", "b", "c").list().ofMinSize(0).ofMaxSize(4).map(HiroPath::new);
  }
}
