package io.hiro.master.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A directory: its entries sorted by name (so listings come out sorted for free). Names are kept as
 * UTF-8 bytes, not {@code String}s: the master holds one per file, and a {@code String} object would
 * add 24 bytes to each. The order is the bytes' unsigned order, which is Unicode code point order.
 */
final class DirectoryNode implements Node {
  private final TreeMap<byte[], Node> children = new TreeMap<>(Arrays::compareUnsigned);
  private long modifiedMillis;

  DirectoryNode(long modifiedMillis) {
    this.modifiedMillis = modifiedMillis;
  }

  @Override
  public long modifiedMillis() {
    return modifiedMillis;
  }

  void touch(long millis) {
    modifiedMillis = Math.max(modifiedMillis, millis);
  }

  Node get(String name) {
    return children.get(bytes(name));
  }

  /** Puts {@code node} under {@code name}; returns the node it replaced, or null. */
  Node put(String name, Node node) {
    return children.put(bytes(name), node);
  }

  Node remove(String name) {
    return children.remove(bytes(name));
  }

  int size() {
    return children.size();
  }

  boolean isEmpty() {
    return children.isEmpty();
  }

  Collection<Node> nodes() {
    return children.values();
  }

  /** Every entry in name order. */
  void forEach(BiConsumer<String, Node> action) {
    children.forEach((name, node) -> action.accept(name(name), node));
  }

  /** Every entry in reverse name order (pushed on a stack, they come off in name order). */
  void forEachDescending(BiConsumer<String, Node> action) {
    children.descendingMap().forEach((name, node) -> action.accept(name(name), node));
  }

  private static byte[] bytes(String name) {
    return name.getBytes(StandardCharsets.UTF_8);
  }

  private static String name(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
