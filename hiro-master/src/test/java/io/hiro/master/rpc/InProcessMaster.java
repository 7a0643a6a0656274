package io.hiro.master.rpc;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.hiro.master.core.Master;
import io.hiro.proto.ClusterServiceGrpc;
import io.hiro.proto.NamespaceServiceGrpc;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** A master's two gRPC services over an in-process transport, with a blocking stub for each. */
final class InProcessMaster implements AutoCloseable {
  final NamespaceServiceGrpc.NamespaceServiceBlockingStub namespace;
  final ClusterServiceGrpc.ClusterServiceBlockingStub cluster;
  private final Server server;
  final ManagedChannel channel;

  InProcessMaster(Master master) throws IOException {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new NamespaceServiceImpl(master))
        .addService(new ClusterServiceImpl(master.membership()))
        .build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    namespace = NamespaceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    cluster = ClusterServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
  }
}
