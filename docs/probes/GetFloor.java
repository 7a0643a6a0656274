package io.hiro.app.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.hiro.app.LocalCluster;
import io.hiro.client.HiroClient;
import io.hiro.client.PutOptions;
import io.hiro.common.HostPort;
import io.hiro.common.Limits;
import io.hiro.common.rpc.ClientThreads;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.*;
import java.io.OutputStream;
import java.nio.file.*;
import java.security.MessageDigest;
import java.util.*;
import java.util.concurrent.*;
import java.util.zip.CRC32C;

/**
 * A bare get against Hiro's cat, taking turns on the same minutes (session 36). The bare get: the 1 GiB file's
 * pieces as limit.grpc_chain stored them on the bench's bare workers (PutFloorNode, whose ReadPiece, the
 * bench's since session 37: 1 MiB messages read with pread, each with its CRC32C), read in order with the next two
 * fetched meanwhile, as Hiro's cat reads them; each message's CRC32C checked, and the whole-file SHA-256 taken
 * in order on this thread from the received messages (no copy into a piece array). No master, no tokens.
 * Hiro's cat: HiroClient.cat of the same file into nothing. Each turn: one of each, MB/s and the CPU per GiB of
 * the client JVM (this one) and of each side's workers.
 * Two untimed turns first. usage: GetFloor DIR TURNS (run with a young generation of 2 GiB, -Xmn2g, as session 36 did)
 */
public class GetFloor {
  public static void main(String[] a) throws Exception {
    Path base = Path.of(a[0]);
    int turns = Integer.parseInt(a[1]);
    Files.createDirectories(base);
    long deadline = System.nanoTime() + 3_600_000_000_000L;
    RandomFile input = RandomFile.write(base.resolve("big.bin"), 1L << 30, 7, deadline);
    MessageDigest whole = MessageDigest.getInstance("SHA-256");
    try (java.io.InputStream in = Files.newInputStream(input.path())) {
      byte[] buffer = new byte[1 << 20];
      for (int n; (n = in.read(buffer)) > 0; ) whole.update(buffer, 0, n);
    }
    byte[] expected = whole.digest();
    try (BareNodes nodes = BareNodes.start(base.resolve("bare"), 3);
         LocalCluster cluster = LocalCluster.start(new ArrayList<>(LocalCluster.javaLauncher()), base.resolve("c"), 3, "1s")) {
      System.out.println(GrpcChain.measure(input, nodes, BenchSizes.quick(), deadline).line());
      HiroClient hiro = cluster.client();
      hiro.put(input.path(), "/big", new PutOptions(3, 0, true));
      ClientThreads threads = new ClientThreads("getfloor-net");
      List<ManagedChannel> channels = new ArrayList<>();
      for (WorkerRef w : nodes.workers().subList(0, 3)) channels.add(Rpc.channel(HostPort.parse(w.getAddress()), RpcSecurity.PLAINTEXT, threads));
      long me = ProcessHandle.current().pid();
      List<Long> bareWorkers = nodes.workerProcesses().subList(0, 3).stream().map(Process::pid).toList();
      List<Long> hiroDaemons = new ArrayList<>(List.of(cluster.masterPid()));
      for (int i = 0; i < 3; i++) hiroDaemons.add(cluster.workerPid(i));
      int pieces = (int) ((input.sizeBytes() + Limits.PIECE_SIZE_DEFAULT_BYTES - 1) / Limits.PIECE_SIZE_DEFAULT_BYTES);
      for (int t = -1; t <= turns; t++) {
        String label = t <= 0 ? "untimed " : "";
        long c0 = Pair9.cpu(me), w0 = bareWorkers.stream().mapToLong(Pair9::cpu).sum(), s0 = System.nanoTime();
        byte[] digest = bare(channels, pieces);
        double sec = (System.nanoTime() - s0) / 1e9;
        double cc = (Pair9.cpu(me) - c0) / 1e9, wc = (bareWorkers.stream().mapToLong(Pair9::cpu).sum() - w0) / 1e9;
        if (!Arrays.equals(digest, expected)) throw new IllegalStateException("bare get: wrong SHA-256");
        System.out.printf("%sbare %.1f MB/s  cpu s/GiB: client %.2f workers %.2f%n", label, input.sizeBytes() / sec / 1e6, cc, wc);
        c0 = Pair9.cpu(me); w0 = hiroDaemons.stream().mapToLong(Pair9::cpu).sum(); s0 = System.nanoTime();
        hiro.cat("/big", OutputStream.nullOutputStream());
        sec = (System.nanoTime() - s0) / 1e9;
        cc = (Pair9.cpu(me) - c0) / 1e9; wc = (hiroDaemons.stream().mapToLong(Pair9::cpu).sum() - w0) / 1e9;
        System.out.printf("%shiro %.1f MB/s  cpu s/GiB: client %.2f master+workers %.2f%n", label, input.sizeBytes() / sec / 1e6, cc, wc);
      }
      hiro.close();
      channels.forEach(ManagedChannel::shutdownNow);
      threads.close();
    }
  }

  private static final ByteString END = ByteString.copyFromUtf8("end");
  private static final ByteString FAILED = ByteString.copyFromUtf8("failed");

  /**
   * Reads every piece in order, the next two fetched meanwhile, hashing each message on this thread as soon as
   * it is the next in the file (messages of the pieces ahead wait in their queues); returns the whole-file SHA-256.
   */
  static byte[] bare(List<ManagedChannel> channels, int pieces) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    List<BlockingQueue<ByteString>> queues = new ArrayList<>();
    for (int i = 0; i < pieces; i++) queues.add(null);
    for (int i = 0; i < Math.min(3, pieces); i++) queues.set(i, fetch(channels.get(i % 3), i));
    for (int i = 0; i < pieces; i++) {
      BlockingQueue<ByteString> q = queues.get(i);
      for (ByteString m; (m = q.poll(60, TimeUnit.SECONDS)) != END; ) {
        if (m == null) throw new TimeoutException("piece " + i);
        if (m == FAILED) throw new IllegalStateException("piece " + i + " failed (see stderr)");
        sha.update(io.hiro.common.rpc.ByteStrings.view(m)); // the array in place, as Hiro's reader does
      }
      queues.set(i, null);
      if (i + 3 < pieces) queues.set(i + 3, fetch(channels.get((i + 3) % 3), i + 3));
    }
    return sha.digest();
  }

  /** A piece's messages, CRC32C checked, into a queue that ends with END (a failure ends the run). */
  static BlockingQueue<ByteString> fetch(ManagedChannel channel, long pieceId) {
    BlockingQueue<ByteString> queue = new LinkedBlockingQueue<>();
    io.grpc.stub.ClientCalls.asyncServerStreamingCall(channel.newCall(
        io.hiro.common.rpc.AliasingMarshaller.forResponses(DataServiceGrpc.getReadPieceMethod(), ReadPieceResponse.getDefaultInstance()),
        io.grpc.CallOptions.DEFAULT.withExecutor(Runnable::run).withDeadlineAfter(60, TimeUnit.SECONDS)),
        ReadPieceRequest.newBuilder().setPieceId(pieceId).build(), new StreamObserver<ReadPieceResponse>() {
          long next;
          @Override public void onNext(ReadPieceResponse r) {
            PieceData d = r.getData();
            CRC32C crc = new CRC32C();
            crc.update(io.hiro.common.rpc.ByteStrings.view(d.getData()));
            if ((int) crc.getValue() != d.getCrc32C() || d.getOffset() != next) {
              throw new IllegalStateException("bad message at " + d.getOffset());
            }
            next += d.getData().size();
            queue.add(d.getData());
          }
          @Override public void onError(Throwable e) { e.printStackTrace(); queue.add(FAILED); }
          @Override public void onCompleted() { queue.add(END); }
        });
    return queue;
  }
}
