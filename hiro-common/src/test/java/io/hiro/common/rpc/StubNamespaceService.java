package io.hiro.common.rpc;

import io.grpc.stub.StreamObserver;
import io.hiro.common.security.Role;
import io.hiro.proto.MkdirRequest;
import io.hiro.proto.MkdirResponse;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.StatRequest;
import io.hiro.proto.StatResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** A master stand-in for RPC tests: answers Stat and Mkdir and records the role and the thread each call ran on. */
final class StubNamespaceService extends NamespaceServiceGrpc.NamespaceServiceImplBase {
  static final String STAT = NamespaceServiceGrpc.getStatMethod().getFullMethodName();
  static final String MKDIR = NamespaceServiceGrpc.getMkdirMethod().getFullMethodName();

  final List<Optional<Role>> roles = Collections.synchronizedList(new ArrayList<>());
  final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());

  @Override
  public void stat(StatRequest request, StreamObserver<StatResponse> responses) {
    roles.add(AuthInterceptor.currentRole());
    threads.add(Thread.currentThread());
    responses.onNext(StatResponse.getDefaultInstance());
    responses.onCompleted();
  }

  @Override
  public void mkdir(MkdirRequest request, StreamObserver<MkdirResponse> responses) {
    roles.add(AuthInterceptor.currentRole());
    threads.add(Thread.currentThread());
    responses.onNext(MkdirResponse.getDefaultInstance());
    responses.onCompleted();
  }
}
