package io.hiro.master.core;

/** An entry of the namespace: a directory or a file. Nodes do not know their own name or path. */
sealed interface Node permits DirectoryNode, FileNode {
  long modifiedMillis();
}
