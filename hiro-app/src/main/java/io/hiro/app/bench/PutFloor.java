package io.hiro.app.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.hiro.common.HiroException;
import io.hiro.common.HostPort;
import io.hiro.common.rpc.ClientThreads;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.CommitFileRequest;
import io.hiro.proto.CreateFileRequest;
import io.hiro.proto.CreateFileResponse;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.WholePiece;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * {@code limit.put_floor.1client} and {@code .8clients}: the small puts per second this machine
 * gives the message pattern and the durable writes of a Hiro put, with none of Hiro's own work. A
 * master and 3 workers ({@link BareNodes}: {@link PutFloorNode}s, each in a JVM of its own, the ones
 * {@link GrpcChain} measured just before) serve Hiro's gRPC methods with Hiro's transport settings;
 * each client, with its own network thread as a {@code HiroClient}, makes per put: CreateFile at
 * the master, one WriteWholePiece call (header and 4 KiB) to a primary that passes it on along a
 * chain of 3 (the primary taking turns), each worker writing into a spare file and fsyncing it
 * before it answers, and CommitFile, answered once its journal record is
 * fsynced. So 3 fsynced replicas and 1 fsynced journal record per put, as in Hiro, and 2 master
 * calls and 3 hops out and back. Until session 19 the chain was a WritePiece stream (header, 4 KiB,
 * end), as Hiro's was.
 *
 * <p>{@code limit.put_lean.1client} and {@code .8clients}: the same durable writes with the fewest
 * calls a put with 3 replicas and a journaled master can make: the WriteWholePiece call along the
 * chain, then CommitFile. No CreateFile: a design with one master call per put would hand out piece
 * ids and chains ahead, which this leaves out. No protocol that keeps 3 fsynced replicas on 3
 * workers and a journaled record at the master makes fewer calls. Until session 19 its chain call
 * was a unary method of the bench's own, with a marshaller of its own.
 *
 * <p>Each figure is the median of {@link BenchSizes#timedRuns()} timed runs (since session 21; one
 * before), as Hiro's are. Puts of both shapes are made untimed first, taking turns, with 8 clients, for
 * {@link BenchSizes#putWarmUp()}, as Hiro's are in {@link SmallFileBench} (the nodes' JVMs are new
 * and compile as they go). The files stay in {@link PieceFiles#dirIn} until the end of the run, as
 * the other file limits' do.
 */
final class PutFloor {
  private static final int REPLICATION = HiroBench.REPLICATION;

  private final HostPort master;
  private final List<WorkerRef> workers;

  private PutFloor(BareNodes nodes) {
    this.master = nodes.master();
    this.workers = nodes.workers().subList(0, REPLICATION);
  }

  /** One put of a given shape by one client. */
  private interface Shape {
    void put(Client client, long deadlineNanos);
  }

  /**
   * The four figures, {@code limit.put_floor} and {@code limit.put_lean}, each with 1 client and with
   * {@code sizes.clientCount()}, measured on {@code nodes}: its master and its first {@link
   * #REPLICATION} workers. Each goes to {@code out} as it is measured, followed by the CPU its puts
   * took per file in the bench's client, the master and each worker ({@code .cpu}; the client's
   * only, as {@link CpuMeter#withCluster} says, where the system does not tell other processes' CPU
   * time), to be set beside Hiro's own {@code put.*.cpu}: what Hiro's processes take on top is its
   * own work.
   */
  static Figures measure(BareNodes nodes, BenchSizes sizes, long deadlineNanos, Consumer<Figure> out)
      throws IOException {
    PutFloor floor = new PutFloor(nodes);
    byte[] content = new byte[sizes.smallFileBytes()];
    ThreadLocalRandom.current().nextBytes(content);
    ByteString bytes = ByteString.copyFrom(content);
    CpuMeter cpu = CpuMeter.withCluster(nodes.masterProcess().pid(),
        nodes.workerProcesses().subList(0, REPLICATION).stream().map(Process::pid).toList());
    List<Client> clients = new ArrayList<>();
    try {
      for (int c = 0; c < sizes.clientCount(); c++) {
        clients.add(floor.new Client(bytes));
      }
      int count = sizes.smallFileCount();
      long warmUntil = System.nanoTime() + sizes.putWarmUp().toNanos();
      do {
        puts(clients, Client::put, count, deadlineNanos);
        puts(clients, Client::putLean, count, deadlineNanos);
      } while (System.nanoTime() < warmUntil);
      String many = clients.size() + "clients";
      Timing timing = new Timing(sizes.timedRuns(), count, cpu, out);
      List<Client> one = clients.subList(0, 1);
      return new Figures(
          timing.timed("limit.put_floor.1client", () -> puts(one, Client::put, count, deadlineNanos)),
          timing.timed("limit.put_floor." + many, () -> puts(clients, Client::put, count, deadlineNanos)),
          timing.timed("limit.put_lean.1client", () -> puts(one, Client::putLean, count, deadlineNanos)),
          timing.timed("limit.put_lean." + many, () -> puts(clients, Client::putLean, count, deadlineNanos)));
    } finally {
      clients.forEach(Client::close);
    }
  }

  /** What {@link #measure} found. */
  record Figures(Timed floor1, Timed floorMany, Timed lean1, Timed leanMany) {}

  /**
   * One figure in files per second, and the CPU per file of its puts in all its processes (empty
   * where only the client's is known).
   */
  record Timed(Figure rate, Optional<Figure> cpu) {}

  /** One timed run of puts, in puts per second. */
  private interface Run {
    double rate() throws IOException;
  }

  /**
   * Times figures as Hiro's small-file figures are ({@link SmallFileBench}): the median of {@code runs}
   * runs of {@code filesPerRun} puts, with the runs, and the CPU of them all.
   */
  private record Timing(int runs, int filesPerRun, CpuMeter cpu, Consumer<Figure> out) {
    Timed timed(String name, Run run) throws IOException {
      CpuMeter.Sample before = cpu.sample();
      double[] rates = new double[runs];
      for (int r = 0; r < rates.length; r++) {
        rates[r] = run.rate();
      }
      Figure rate = Figure.medianOf(name, rates, "files/s").withRuns(rates, "files/s");
      CpuMeter.Usage usage = cpu.add(null, before, cpu.sample());
      Figure perFile = usage.perFile(name + ".cpu", (long) runs * filesPerRun, rate.value());
      out.accept(rate);
      out.accept(perFile);
      return new Timed(rate, usage.coversCluster() ? Optional.of(perFile) : Optional.empty());
    }
  }

  /** {@code total} puts spread over {@code clients}, one thread each, all at once; returns puts per second. */
  private static double puts(List<Client> clients, Shape shape, int total, long deadlineNanos) throws IOException {
    List<CompletableFuture<Long>> loops = new ArrayList<>();
    long started = System.nanoTime();
    for (int c = 0; c < clients.size(); c++) {
      Client client = clients.get(c);
      int count = total / clients.size() + (c < total % clients.size() ? 1 : 0);
      loops.add(CompletableFuture.supplyAsync(() -> {
        for (int i = 0; i < count; i++) {
          shape.put(client, deadlineNanos);
        }
        return (long) count;
      }, runnable -> Thread.ofPlatform().daemon().name("bench-put-floor-client").start(runnable)));
    }
    for (CompletableFuture<Long> loop : loops) {
      MachineLimits.await(loop, deadlineNanos, "limit.put_floor");
    }
    return total / ((System.nanoTime() - started) / 1e9);
  }

  /** One client: its network thread, and its channels to the master and to each worker. */
  private final class Client implements AutoCloseable {
    private final ClientThreads threads = new ClientThreads("bench-put-floor-net");
    private final ManagedChannel masterChannel = Rpc.channel(master, RpcSecurity.PLAINTEXT, threads);
    private final List<ManagedChannel> workerChannels = new ArrayList<>();
    private final ByteString content;
    private int puts;

    Client(ByteString content) {
      this.content = content;
      for (WorkerRef worker : workers) {
        workerChannels.add(Rpc.channel(HostPort.parse(worker.getAddress()), RpcSecurity.PLAINTEXT, threads));
      }
    }

    /** A put of Hiro's shape: CreateFile, the piece along the chain in one call, CommitFile. */
    void put(long deadlineNanos) {
      CreateFileResponse upload = NamespaceServiceGrpc.newBlockingStub(masterChannel)
          .withDeadlineAfter(left(deadlineNanos, "limit.put_floor"), TimeUnit.NANOSECONDS)
          .createFile(CreateFileRequest.newBuilder().setPath("/floor").setSizeBytes(content.size())
              .setReplication(REPLICATION).setOverwrite(true).build());
      store(upload.getPieces(0).getPieceId(), deadlineNanos, "limit.put_floor");
      commit(upload.getUploadId(), deadlineNanos, "limit.put_floor");
    }

    /** A put of the lean shape: the piece along the chain in one call, then CommitFile. */
    void putLean(long deadlineNanos) {
      store(ThreadLocalRandom.current().nextLong(), deadlineNanos, "limit.put_lean");
      commit(ThreadLocalRandom.current().nextLong(), deadlineNanos, "limit.put_lean");
    }

    /** The piece on every worker of a chain, by one WriteWholePiece call to a primary that takes turns. */
    private void store(long pieceId, long deadlineNanos, String figure) {
      long left = left(deadlineNanos, figure);
      int primary = puts++ % REPLICATION;
      CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
      DataServiceGrpc.newStub(workerChannels.get(primary)).withExecutor(Runnable::run)
          .withDeadlineAfter(left, TimeUnit.NANOSECONDS)
          .writeWholePiece(WholePiece.newBuilder()
              .setHeader(WritePieceHeader.newBuilder().setPieceId(pieceId).setLength(content.size())
                  .addAllDownstream(downstreamOf(workers, primary)))
              .setData(PieceData.newBuilder().setData(content)).build(), PutFloorNode.completing(answer));
      WritePieceResponse stored = await(answer, deadlineNanos, figure);
      if (stored.getStoredWorkerIdsCount() != REPLICATION) {
        throw HiroException.unavailable("bench %s: a chain stored %d replicas, not %d", figure,
            stored.getStoredWorkerIdsCount(), REPLICATION);
      }
    }

    private void commit(long uploadId, long deadlineNanos, String figure) {
      NamespaceServiceGrpc.newBlockingStub(masterChannel)
          .withDeadlineAfter(left(deadlineNanos, figure), TimeUnit.NANOSECONDS)
          .commitFile(CommitFileRequest.newBuilder().setUploadId(uploadId).build());
    }

    @Override
    public void close() {
      masterChannel.shutdownNow();
      workerChannels.forEach(ManagedChannel::shutdownNow);
      threads.close();
    }
  }

  /** The workers after {@code workers[primary]} in its chain, the others in turn (the primary takes turns). */
  static List<WorkerRef> downstreamOf(List<WorkerRef> workers, int primary) {
    List<WorkerRef> downstream = new ArrayList<>();
    for (int w = 1; w < workers.size(); w++) {
      downstream.add(workers.get((primary + w) % workers.size()));
    }
    return downstream;
  }

  /** Nanoseconds left before the deadline; throws once it has passed. */
  private static long left(long deadlineNanos, String figure) {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      throw HiroException.unavailable("bench %s did not finish before its deadline", figure);
    }
    return left;
  }

  private static <T> T await(Future<T> answer, long deadlineNanos, String figure) {
    try {
      return answer.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw HiroException.unavailable("bench %s: a chain failed: %s", figure, e.getCause());
    } catch (TimeoutException e) {
      throw HiroException.unavailable("bench %s did not finish before its deadline", figure);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw HiroException.unavailable("bench %s interrupted", figure);
    }
  }
}
