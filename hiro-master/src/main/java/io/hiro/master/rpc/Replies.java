package io.hiro.master.rpc;

import io.grpc.stub.StreamObserver;
import io.hiro.common.rpc.StatusMapping;
import java.util.function.Supplier;
import org.slf4j.Logger;

/** The one shape of every unary reply: run, reply once, or fail through {@link StatusMapping}. */
final class Replies {
  private Replies() {}

  static <T> void reply(Logger log, String call, StreamObserver<T> responses, Supplier<T> body) {
    T response;
    try {
      response = body.get();
    } catch (RuntimeException e) {
      log.debug("master: {} failed: {}", call, e.getMessage());
      StatusMapping.fail(responses, e);
      return;
    }
    responses.onNext(response);
    responses.onCompleted();
  }
}
