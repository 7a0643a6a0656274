package io.hiro.worker.store;

import io.hiro.common.PieceId;
import io.hiro.proto.ReplicaMeta;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts the replicas of a data dir written before the {@link PieceFile} format, where each was
 * {@code <id>.data} plus {@code <id>.meta}, into {@code <id>.piece} files, one fan-out dir at a
 * time: the meta is appended to the data file (cut back to the piece's length first), the file is
 * fsynced and renamed to {@code .piece}, the dir is fsynced, and only then the {@code .meta} files
 * are deleted. A crash at any point leaves either a pair this converts again, or a {@code .piece}
 * with a stale {@code .meta} beside it, which is deleted. As before, a {@code .data} without a
 * {@code .meta} is an unfinished write and is removed; a {@code .meta} that cannot be used is
 * logged and left, with its data file, for a person to look at.
 */
final class LegacyReplicas {
  private static final Logger LOG = LoggerFactory.getLogger(LegacyReplicas.class);

  private final DataDirLayout layout;
  private final String node;
  private final DiskPieceStore.DirectorySync directorySync;

  LegacyReplicas(DataDirLayout layout, String node, DiskPieceStore.DirectorySync directorySync) {
    this.layout = layout;
    this.node = node;
    this.directorySync = directorySync;
  }

  /** Converts every legacy replica under {@code pieces/}; returns how many. */
  int convert() throws IOException {
    List<Path> dirs;
    try (Stream<Path> list = Files.list(layout.piecesDir())) {
      dirs = list.filter(Files::isDirectory).sorted().toList();
    }
    int converted = 0;
    for (Path dir : dirs) {
      converted += convertDir(dir);
    }
    if (converted > 0) {
      LOG.info("{}: converted {} replicas to single .piece files", node, converted);
    }
    return converted;
  }

  private int convertDir(Path dir) throws IOException {
    List<Path> metas = new ArrayList<>();
    List<Path> datas = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(DataDirLayout.LEGACY_META_SUFFIX)) {
          metas.add(file);
        } else if (name.endsWith(DataDirLayout.LEGACY_DATA_SUFFIX)) {
          datas.add(file);
        }
      }
    }
    if (metas.isEmpty() && datas.isEmpty()) {
      return 0;
    }
    List<Path> done = new ArrayList<>();
    for (Path meta : metas) {
      if (Files.exists(sibling(meta, PieceFile.SUFFIX)) || convertOne(meta)) {
        done.add(meta);
      }
    }
    for (Path data : datas) {
      if (Files.exists(sibling(data, PieceFile.SUFFIX))) {
        Files.deleteIfExists(data); // converted already
      } else if (!Files.exists(sibling(data, DataDirLayout.LEGACY_META_SUFFIX))) {
        LOG.warn("{}: removing {}, an unfinished write (no .meta)", node, data);
        Files.deleteIfExists(data);
      }
    }
    directorySync.sync(dir); // the renames are durable before any .meta goes
    for (Path meta : done) {
      Files.deleteIfExists(meta);
    }
    directorySync.sync(dir);
    return done.size();
  }

  /** Appends the meta to its data file and renames it to {@code .piece}; false if the pair cannot be used. */
  private boolean convertOne(Path metaFile) throws IOException {
    ReplicaMeta meta;
    try {
      meta = ReplicaMeta.parseFrom(Files.readAllBytes(metaFile));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      LOG.error("{}: skipping {}: it cannot be parsed ({})", node, metaFile, e.getMessage());
      return false;
    }
    PieceId pieceId = new PieceId(meta.getPieceId());
    Path dataFile = layout.legacyDataFile(pieceId);
    if (!BlockChecksums.isWellFormed(meta) || !metaFile.equals(layout.legacyMetaFile(pieceId))) {
      LOG.error("{}: skipping {}: its content does not describe piece {}", node, metaFile, pieceId);
      return false;
    }
    if (!Files.exists(dataFile) || Files.size(dataFile) < meta.getLength()) {
      LOG.error("{}: skipping piece {}: its data file is missing or too short", node, pieceId);
      return false;
    }
    try (FileChannel channel = FileChannel.open(dataFile, StandardOpenOption.WRITE)) {
      channel.truncate(meta.getLength()); // a conversion cut short may have appended part of a meta
      PieceFile.writeMeta(channel, meta);
      channel.force(true);
    }
    Files.move(dataFile, layout.pieceFile(pieceId), StandardCopyOption.ATOMIC_MOVE);
    return true;
  }

  private static Path sibling(Path file, String suffix) {
    String name = file.getFileName().toString();
    return file.resolveSibling(name.substring(0, name.lastIndexOf('.')) + suffix);
  }
}
