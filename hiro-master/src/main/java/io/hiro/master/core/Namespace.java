package io.hiro.master.core;

import io.hiro.common.Checks;
import io.hiro.common.HiroPath;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The tree of directories and files. Pure structure: it does not validate requests (that is
 * {@link MasterState}'s job) but checks its own invariants: the root is a directory, and every
 * path handed to a mutating method has a directory as parent.
 */
final class Namespace {
  private final DirectoryNode root = new DirectoryNode(0);

  DirectoryNode root() {
    return root;
  }

  /** The node at {@code path}, or null if it or an ancestor is missing or an ancestor is a file. */
  Node lookup(HiroPath path) {
    Node node = root;
    for (String segment : path.segments()) {
      if (!(node instanceof DirectoryNode directory)) {
        return null;
      }
      node = directory.get(segment);
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  /** The nearest proper ancestor of {@code path} that is a file, or null if there is none. */
  HiroPath fileAncestor(HiroPath path) {
    List<String> segments = path.segments();
    Node node = root;
    for (int depth = 1; depth < segments.size(); depth++) { // one walk down: every put checks its path this way
      node = node instanceof DirectoryNode directory ? directory.get(segments.get(depth - 1)) : null;
      if (node == null) {
        return null;
      }
      if (node instanceof FileNode) {
        return new HiroPath(segments.subList(0, depth));
      }
    }
    return null;
  }

  /** The deepest existing ancestor-or-self of {@code path} (always a directory if no file is on the way). */
  HiroPath deepestExisting(HiroPath path) {
    List<String> segments = path.segments();
    int depth = 0;
    for (Node node = root; depth < segments.size() && node instanceof DirectoryNode directory; depth++) {
      node = directory.get(segments.get(depth));
      if (node == null) {
        break;
      }
    }
    return depth == segments.size() ? path : new HiroPath(segments.subList(0, depth));
  }

  /** Creates the missing directories down to {@code path} and returns it. */
  DirectoryNode mkdirs(HiroPath path, long millis) {
    DirectoryNode directory = root;
    for (String segment : path.segments()) {
      Node child = directory.get(segment);
      if (child == null) {
        DirectoryNode created = new DirectoryNode(millis);
        directory.put(segment, created);
        directory.touch(millis);
        child = created;
      }
      Checks.check(child instanceof DirectoryNode, "mkdirs %s crosses a file at '%s'", path, segment);
      directory = (DirectoryNode) child;
    }
    return directory;
  }

  /** Puts {@code node} at {@code path}, replacing what is there; returns the replaced node or null. */
  Node put(HiroPath path, Node node, long millis) {
    DirectoryNode parent = parentOf(path);
    parent.touch(millis);
    return parent.put(path.name(), node);
  }

  Node remove(HiroPath path, long millis) {
    DirectoryNode parent = parentOf(path);
    parent.touch(millis);
    return parent.remove(path.name());
  }

  private DirectoryNode parentOf(HiroPath path) {
    Checks.check(!path.isRoot(), "the root cannot be replaced or removed");
    Node parent = lookup(path.parent());
    Checks.check(parent instanceof DirectoryNode, "parent of %s is not a directory", path);
    return (DirectoryNode) parent;
  }

  /** Puts a node read from a checkpoint at {@code path}, parents first; modification times are kept as they are. */
  void restore(HiroPath path, Node node) {
    if (path.isRoot()) {
      Checks.check(node instanceof DirectoryNode, "the root must be a directory");
      root.touch(node.modifiedMillis());
      return;
    }
    Node replaced = parentOf(path).put(path.name(), node);
    Checks.check(replaced == null, "%s appears twice", path);
  }

  /**
   * Calls {@code action} for every node with its path as text, parents before their children, the
   * root first. The paths are joined, not parsed again: every name in the tree was checked on its
   * way in, and a checkpoint walks a million of them under the state's lock.
   */
  void forEachNode(BiConsumer<String, Node> action) {
    ArrayDeque<Map.Entry<String, Node>> pending = new ArrayDeque<>();
    pending.push(Map.entry("/", root));
    while (!pending.isEmpty()) {
      Map.Entry<String, Node> next = pending.pop();
      action.accept(next.getKey(), next.getValue());
      if (next.getValue() instanceof DirectoryNode directory) {
        String prefix = next.getValue() == root ? "/" : next.getKey() + "/";
        directory.forEachDescending((name, child) -> pending.push(Map.entry(prefix + name, child)));
      }
    }
  }

  /**
   * How far the tree below {@code directory} reaches: the most characters and the most levels a
   * path below it adds to the directory's own path.
   */
  static int[] extentBelow(DirectoryNode directory) {
    record Below(DirectoryNode directory, int characters, int levels) {}
    int[] extent = {0, 0};
    ArrayDeque<Below> pending = new ArrayDeque<>();
    pending.push(new Below(directory, 0, 0));
    while (!pending.isEmpty()) {
      Below next = pending.pop();
      next.directory().forEach((name, child) -> {
        int characters = next.characters() + 1 + name.length();
        extent[0] = Math.max(extent[0], characters);
        extent[1] = Math.max(extent[1], next.levels() + 1);
        if (child instanceof DirectoryNode below) {
          pending.push(new Below(below, characters, next.levels() + 1));
        }
      });
    }
    return extent;
  }

  /** Calls {@code action} for every file at or below {@code node}. Iterative: depth is bounded by paths anyway. */
  static void forEachFile(Node node, Consumer<FileNode> action) {
    ArrayDeque<Node> pending = new ArrayDeque<>();
    pending.push(node);
    while (!pending.isEmpty()) {
      Node next = pending.pop();
      if (next instanceof FileNode file) {
        action.accept(file);
      } else if (next instanceof DirectoryNode directory) {
        directory.nodes().forEach(pending::push);
      }
    }
  }

  /** Counts directories at or below {@code node}, itself included. */
  static long countDirectories(Node node) {
    if (!(node instanceof DirectoryNode directory)) {
      return 0;
    }
    long count = 1;
    for (Node child : directory.nodes()) {
      count += countDirectories(child);
    }
    return count;
  }
}
