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
 * {@link GrpcChain} and {@link GrpcGet} warmed up just before) serve Hiro's gRPC methods with Hiro's transport settings;
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
 * and compile as they go). {@code limit.put_lean}'s timed runs follow at once, with the other limits;
 * since session 45 {@code limit.put_floor}'s are taken in turns with Hiro's timed small puts ({@link
 * #turns}; measured minutes apart, Hiro's one-client put read 0.95 of the floor where taking turns
 * on the same minutes gave 0.82: docs/BENCHMARKS.md, session 44). The files stay in {@link
 * PieceFiles#dirIn} until the end of the run, as the other file limits' do.
 */
final class PutFloor implements AutoCloseable {
  private static final int REPLICATION = HiroBench.REPLICATION;

  private final HostPort master;
  private final List<WorkerRef> workers;
  private final BenchSizes sizes;
  private final CpuMeter cpu;
  private final List<Client> clients = new ArrayList<>();
  private Timed lean1;
  private Timed leanMany;

  private PutFloor(BareNodes nodes, BenchSizes sizes) {
    this.master = nodes.master();
    this.workers = nodes.workers().subList(0, REPLICATION);
    this.sizes = sizes;
    this.cpu = CpuMeter.withCluster(nodes.masterProcess().pid(),
        nodes.workerProcesses().subList(0, REPLICATION).stream().map(Process::pid).toList());
  }

  /** One put of a given shape by one client. */
  private interface Shape {
    void put(Client client, long deadlineNanos);
  }

  /**
   * The floor on {@code nodes} (its master and its first {@link #REPLICATION} workers), with {@code
   * sizes.clientCount()} clients, after its untimed puts of both shapes, which end by {@code
   * deadlineNanos}; then {@code limit.put_lean} with 1 client and with {@code sizes.clientCount()},
   * each timed and handed to {@code out} at once, followed by the CPU its puts took per file in the
   * bench's client, the master and each worker ({@code .cpu}; the client's only, as {@link
   * CpuMeter#withCluster} says, where the system does not tell other processes' CPU time).
   * {@code limit.put_floor}'s timed runs are left to {@link #turns}.
   */
  static PutFloor warmedUp(BareNodes nodes, BenchSizes sizes, long deadlineNanos, Consumer<Figure> out)
      throws IOException {
    PutFloor floor = new PutFloor(nodes, sizes);
    try {
      byte[] content = new byte[sizes.smallFileBytes()];
      ThreadLocalRandom.current().nextBytes(content);
      ByteString bytes = ByteString.copyFrom(content);
      for (int c = 0; c < sizes.clientCount(); c++) {
        floor.clients.add(floor.new Client(bytes));
      }
      int count = sizes.smallFileCount();
      long warmUntil = System.nanoTime() + sizes.putWarmUp().toNanos();
      do {
        puts(floor.clients, Client::put, count, deadlineNanos);
        puts(floor.clients, Client::putLean, count, deadlineNanos);
      } while (System.nanoTime() < warmUntil);
      floor.lean1 = floor.leanRuns("1client", 1, out);
      floor.leanMany = floor.leanRuns(sizes.clientCount() + "clients", sizes.clientCount(), out);
      return floor;
    } catch (IOException | RuntimeException e) {
      floor.close();
      throw e;
    }
  }

  /** {@code limit.put_lean} with 1 client, as {@link #warmedUp} measured it. */
  Timed lean1() {
    return lean1;
  }

  /** {@code limit.put_lean} with the bench's client count, as {@link #warmedUp} measured it. */
  Timed leanMany() {
    return leanMany;
  }

  private Timed leanRuns(String clients, int clientCount, Consumer<Figure> out) throws IOException {
    Runs lean = new Runs("limit.put_lean." + clients, clientCount, Client::putLean);
    for (int run = 0; run < sizes.timedRuns(); run++) {
      lean.timedRun();
    }
    Timed timed = lean.timed();
    out.accept(timed.rate());
    out.accept(timed.perFile());
    return timed;
  }

  /**
   * {@code limit.put_floor.<clients>} with {@code clientCount} clients (1 or the bench's count), its
   * runs timed one at a time whenever the caller asks ({@link Runs#timedRun}): in turns with Hiro's
   * timed puts ({@link SmallFileBench}).
   */
  Runs turns(String clients, int clientCount) {
    return new Runs("limit.put_floor." + clients, clientCount, Client::put);
  }

  /**
   * One figure in files per second, and the CPU per file of its puts ({@code .cpu}; in all its
   * processes where {@link CpuMeter#coversCluster}, in the bench's client only where not).
   */
  record Timed(Figure rate, Figure perFile, boolean coversCluster) {
    /** The CPU figure where it counts the master's and the workers' too, to set beside Hiro's. */
    Optional<Figure> clusterCpu() {
      return coversCluster ? Optional.of(perFile) : Optional.empty();
    }
  }

  /**
   * The timed runs of one figure: puts of one shape by the first {@code clientCount} clients, {@link
   * BenchSizes#smallFileCount()} per run, each run adding the CPU its processes used while it ran.
   */
  final class Runs {
    private final String name;
    private final List<Client> runClients;
    private final Shape shape;
    private final List<Double> rates = new ArrayList<>();
    private CpuMeter.Usage usage;

    private Runs(String name, int clientCount, Shape shape) {
      this.name = name;
      this.runClients = clients.subList(0, clientCount);
      this.shape = shape;
    }

    String name() {
      return name;
    }

    /**
     * One untimed run (after work of the same code in this JVM, e.g. Hiro's client's puts, which
     * may have made the JIT compile it anew).
     */
    void untimedRun() throws IOException {
      puts(runClients, shape, sizes.smallFileCount(), System.nanoTime() + sizes.phaseTimeout().toNanos());
    }

    /** Times the next run; returns its files/s. */
    double timedRun() throws IOException {
      CpuMeter.Sample before = cpu.sample();
      double rate = puts(runClients, shape, sizes.smallFileCount(), System.nanoTime() + sizes.phaseTimeout().toNanos());
      usage = cpu.add(usage, before, cpu.sample());
      rates.add(rate);
      return rate;
    }

    /** The rates of the timed runs so far, in the order run. */
    double[] rates() {
      return rates.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The median of the timed runs so far (one at least), with the runs, and their CPU per file. */
    Timed timed() {
      double[] runs = rates();
      Figure rate = Figure.medianOf(name, runs, "files/s").withRuns(runs, "files/s");
      Figure perFile = usage.perFile(name + ".cpu", (long) runs.length * sizes.smallFileCount(), rate.value());
      return new Timed(rate, perFile, usage.coversCluster());
    }
  }

  @Override
  public void close() {
    clients.forEach(Client::close);
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
