package io.hiro.app.bench;

import io.hiro.common.HostPort;
import io.hiro.proto.WorkerRef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bare master and workers ({@link PutFloorNode}, each in a JVM of its own) that {@link GrpcChain}
 * and then {@link PutFloor} measure, started once for both (since session 24; each started its own
 * before, 3 JVM starts more). Their files stay in {@code dir} until the bench deletes it at the end
 * of its run ({@link PieceFiles#deleteIn}).
 */
final class BareNodes implements AutoCloseable {
  private final List<BenchNode> nodes;
  private final List<WorkerRef> workers = new ArrayList<>();

  private BareNodes(List<BenchNode> nodes) {
    this.nodes = nodes;
    for (int w = 1; w < nodes.size(); w++) {
      workers.add(WorkerRef.newBuilder().setWorkerId("w" + (w - 1)).setAddress("127.0.0.1:" + nodes.get(w).port())
          .build());
    }
  }

  /** A master and {@code workerCount} workers with their files in {@code dir}, started side by side. */
  static BareNodes start(Path dir, int workerCount) throws IOException {
    List<List<String>> args = new ArrayList<>(List.of(List.of("master", dir.resolve("master").toString())));
    for (int w = 0; w < workerCount; w++) {
      args.add(List.of("worker", dir.resolve("w" + w).toString()));
    }
    return new BareNodes(BenchNode.startAll(PutFloorNode.class, args));
  }

  HostPort master() {
    return new HostPort("127.0.0.1", nodes.get(0).port());
  }

  /** The workers, in order, as a chain's header names them. */
  List<WorkerRef> workers() {
    return workers;
  }

  /** The workers' processes, in the order of {@link #workers()}. */
  List<Process> workerProcesses() {
    return nodes.subList(1, nodes.size()).stream().map(BenchNode::process).toList();
  }

  /** The master's process. */
  Process masterProcess() {
    return nodes.get(0).process();
  }

  @Override
  public void close() {
    nodes.forEach(BenchNode::close);
  }
}
