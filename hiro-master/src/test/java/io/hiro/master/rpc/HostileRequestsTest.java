package io.hiro.master.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.hiro.common.HiroPath;
import io.hiro.common.HostPort;
import io.hiro.common.WorkerId;
import io.hiro.common.rpc.HostileMessages;
import io.hiro.master.config.MasterConfig;
import io.hiro.master.core.FakeClock;
import io.hiro.master.core.FileView;
import io.hiro.master.core.Master;
import io.hiro.master.core.PieceCommit;
import io.hiro.master.core.PieceView;
import io.hiro.master.core.UploadView;
import io.hiro.master.core.WorkerAddress;
import io.hiro.master.core.WorkerRegistration;
import io.hiro.proto.ClusterServiceGrpc;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.StatRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Every RPC of the master's two services, called with requests whose fields hold hostile values
 * (see {@link HostileMessages}), against a master with workers, directories, a committed file and
 * an open upload. Each call must end with a meaningful status code (never UNKNOWN or INTERNAL),
 * a refused call must leave the namespace and the cluster exactly as they were, and the master
 * must still answer afterwards.
 */
class HostileRequestsTest {
  private static final AtomicLong TRIED = new AtomicLong();
  private static final AtomicLong REFUSED = new AtomicLong();
  private static final List<MethodDescriptor<?, ?>> METHODS = methods();

  private Master master;
  private InProcessMaster rpc;
  private long[] knownIds;

  @BeforeProperty
  void startMaster() throws Exception {
    FakeClock clock = new FakeClock();
    MasterConfig config = MasterConfig.builder().dataDir(Path.of("unused")).defaultPieceSizeBytes(1 << 20).build();
    master = new Master(config, clock, new SplittableRandom(7));
    for (int i = 0; i < 3; i++) {
      master.membership().register(new WorkerRegistration(new WorkerId("w-" + i), new HostPort("127.0.0.1", 5050 + i),
          1L << 40, 1L << 40, 0, new long[0]));
    }
    master.mkdir(HiroPath.parse("/x/y"), true);
    UploadView committed = master.uploads().createFile(HiroPath.parse("/x/f"), 4096, 3, 0, false);
    PieceView piece = committed.pieces().getFirst();
    master.uploads().commitFile(committed.uploadId(), List.of(new PieceCommit(0, piece.id(), 4096, 7,
        piece.replicas().stream().map(WorkerAddress::id).toList())), new byte[32]);
    UploadView open = master.uploads().createFile(HiroPath.parse("/x/open"), 3 << 20, 2, 0, false);
    List<Long> ids = new ArrayList<>(List.of(piece.id().value(), open.uploadId(), committed.uploadId()));
    open.pieces().forEach(p -> ids.add(p.id().value()));
    knownIds = ids.stream().mapToLong(Long::longValue).toArray();
    rpc = new InProcessMaster(master);
  }

  @AfterProperty
  void stopMaster() {
    rpc.close();
  }

  @Property(tries = 1_000)
  void everyRpcAnswersHostileInputWithAMeaningfulCodeAndARefusalChangesNothing(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    @SuppressWarnings("unchecked")
    MethodDescriptor<Message, Message> method = (MethodDescriptor<Message, Message>) METHODS.get(
        random.nextInt(METHODS.size()));
    Message request = HostileMessages.fill(HostileMessages.prototype(method), random, knownIds);
    String before = state();
    Status.Code code = call(method, request);
    TRIED.incrementAndGet();
    assertThat(code).as("%s(%s)", method.getFullMethodName(), request).isIn(HostileMessages.MEANINGFUL_CODES);
    if (code != Status.Code.OK) {
      REFUSED.incrementAndGet();
      assertThat(state()).as("state after a refused %s(%s)", method.getFullMethodName(), request).isEqualTo(before);
    }
    assertThat(rpc.namespace.stat(StatRequest.newBuilder().setPath("/").build()).getFile().getDirectory()).isTrue();
  }

  @AfterContainer
  static void printFigures() {
    System.out.printf("hostile requests to the master: %d tried over %d RPCs, %d refused with a meaningful code, "
        + "0 with UNKNOWN or INTERNAL, 0 refusals that changed state%n", TRIED.get(), METHODS.size(), REFUSED.get());
  }

  private Status.Code call(MethodDescriptor<Message, Message> method, Message request) {
    try {
      ClientCalls.blockingUnaryCall(rpc.channel, method, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
          request);
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  /** The namespace, every upload id known here and the cluster, as text. */
  private String state() {
    StringBuilder out = new StringBuilder();
    dump(HiroPath.parse("/"), out);
    out.append(master.clusterReport());
    return out.toString();
  }

  private void dump(HiroPath path, StringBuilder out) {
    for (FileView entry : master.list(path)) {
      out.append(entry.path()).append(' ').append(entry.directory()).append(' ').append(entry.sizeBytes()).append(' ')
          .append(entry.version()).append(' ').append(entry.fileId()).append(' ').append(entry.modifiedMillis())
          .append('\n');
      if (entry.directory()) {
        dump(entry.path(), out);
      }
    }
  }

  private static List<MethodDescriptor<?, ?>> methods() {
    List<MethodDescriptor<?, ?>> methods = new ArrayList<>();
    methods.addAll(NamespaceServiceGrpc.getServiceDescriptor().getMethods());
    methods.addAll(ClusterServiceGrpc.getServiceDescriptor().getMethods());
    return methods;
  }
}
