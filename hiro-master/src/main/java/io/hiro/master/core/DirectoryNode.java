package io.hiro.master.core;

import java.util.TreeMap;

/** A directory: its entries sorted by name (so listings come out sorted for free). */
final class DirectoryNode implements Node {
  final TreeMap<String, Node> children = new TreeMap<>();
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
}
