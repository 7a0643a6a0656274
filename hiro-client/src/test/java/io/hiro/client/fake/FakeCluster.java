package io.hiro.client.fake;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.hiro.client.HiroClient;
import io.hiro.proto.WorkerRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A fake master and {@code n} fake workers over in-process gRPC, each worker a server of its own. */
public final class FakeCluster implements AutoCloseable {
  private final String name = "fake-" + UUID.randomUUID();
  private final FakeMaster master = new FakeMaster(this);
  private final Server masterServer;
  private final Map<String, FakeWorker> workers = new LinkedHashMap<>();
  private final Map<String, Server> workerServers = new LinkedHashMap<>();
  private final AtomicInteger readTokenGeneration = new AtomicInteger();
  /** Whether the workers refuse reads whose token is not {@link #readToken()}. */
  public volatile boolean checkReadTokens;

  public FakeCluster(int workerCount) {
    masterServer = start(name + "-master", InProcessServerBuilder.forName(name + "-master").addService(master));
    for (int i = 1; i <= workerCount; i++) {
      String address = name + "-w" + i + ":5050";
      FakeWorker worker = new FakeWorker("w" + i, address, this);
      workers.put(worker.id(), worker);
      workerServers.put(worker.id(), start(address, InProcessServerBuilder.forName(address).addService(worker)));
    }
  }

  private static Server start(String name, InProcessServerBuilder builder) {
    try {
      return builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start in-process server " + name, e);
    }
  }

  public HiroClient client() {
    return HiroClient.using(masterChannel(), "master fake", workerChannels());
  }

  /** A new channel to the fake master, for a client's parts built by hand. */
  public ManagedChannel masterChannel() {
    return InProcessChannelBuilder.forName(name + "-master").build();
  }

  /** Opens channels to the fake workers by their addresses. */
  public Function<String, ManagedChannel> workerChannels() {
    return address -> InProcessChannelBuilder.forName(address).build();
  }

  public FakeMaster master() {
    return master;
  }

  public FakeWorker worker(String id) {
    return workers.get(id);
  }

  public List<FakeWorker> workers() {
    return List.copyOf(workers.values());
  }

  /** Stops a worker's server: calls to it fail as a dead machine's would (UNAVAILABLE). */
  public void stop(FakeWorker worker) {
    workerServers.get(worker.id()).shutdownNow();
  }

  public boolean isUp(FakeWorker worker) {
    return !workerServers.get(worker.id()).isShutdown();
  }

  /** The read token the master hands out now, and the only one the workers take when they check. */
  ByteString readToken() {
    return ByteString.copyFromUtf8("read-" + readTokenGeneration.get());
  }

  /** Every read token handed out so far expires. */
  void expireReadTokens() {
    readTokenGeneration.incrementAndGet();
  }

  /** The first {@code length} running workers not excluded, in id order. */
  List<WorkerRef> chain(int length, List<String> excluded) {
    List<WorkerRef> chain = new ArrayList<>();
    for (FakeWorker worker : workers.values()) {
      if (chain.size() < length && isUp(worker) && !excluded.contains(worker.id())) {
        chain.add(worker.ref());
      }
    }
    return chain;
  }

  @Override
  public void close() {
    workerServers.values().forEach(Server::shutdownNow);
    masterServer.shutdownNow();
  }
}
