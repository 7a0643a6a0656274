package io.hiro.master.rpc;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.hiro.common.rpc.StatusMapping;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

/** The shapes of every unary reply: run, reply once, or fail through {@link StatusMapping}. */
final class Replies {
  private Replies() {}

  static <T> void reply(Logger log, String call, StreamObserver<T> responses, Supplier<T> body) {
    T response = attempt(log, call, responses, body);
    if (response != null) {
      send(responses, response);
    }
  }

  /**
   * As {@link #reply}, for a call run on the network thread, which must not block: {@code ready}
   * answers if it can without waiting, else is empty, and then {@code waiting} answers on a virtual
   * thread of its own, in the call's context (its deadline, its caller's role). An error there
   * fails the call, as gRPC fails a call whose handler threw.
   */
  static <T> void replyWithoutBlocking(Logger log, String call, StreamObserver<T> responses,
      Supplier<Optional<T>> ready, Supplier<T> waiting) {
    Optional<T> response = attempt(log, call, responses, ready);
    if (response == null) {
      return; // failed
    }
    if (response.isPresent()) {
      send(responses, response.get());
    } else {
      replyOnVirtualThread(log, call, responses, waiting);
    }
  }

  /** {@link #reply} on a virtual thread of its own, in the call's context (its deadline, its caller's role). */
  private static <T> void replyOnVirtualThread(Logger log, String call, StreamObserver<T> responses,
      Supplier<T> waiting) {
    Thread.startVirtualThread(Context.current().wrap(() -> {
      try {
        reply(log, call, responses, waiting);
      } catch (Throwable t) {
        responses.onError(Status.INTERNAL.withDescription(call + " failed: " + t).withCause(t).asRuntimeException());
        throw t;
      }
    }));
  }

  /**
   * As {@link #replyWithoutBlocking}, for a change: {@code start} runs it if it can without waiting
   * for the lock, handing its answer or failure to the callback it is given once the change is
   * durable (on the journal's callback thread), and returns true; else false, and {@code waiting}
   * answers on a virtual thread of its own.
   */
  static <T> void replyWhenDurable(Logger log, String call, StreamObserver<T> responses,
      Function<BiConsumer<T, RuntimeException>, Boolean> start, Supplier<T> waiting) {
    BiConsumer<T, RuntimeException> answer = (response, failure) -> {
      try {
        if (failure != null) {
          log.debug("master: {} failed: {}", call, failure.getMessage());
          StatusMapping.fail(responses, failure);
        } else {
          send(responses, response);
        }
      } catch (RuntimeException e) {
        log.warn("master: {}: could not send the answer: {}", call, e.toString());
      }
    };
    Boolean started = attempt(log, call, responses, () -> start.apply(answer));
    if (started != null && !started) {
      replyOnVirtualThread(log, call, responses, waiting);
    }
  }

  /** What {@code body} returns, or null once it threw and the call failed with its status. */
  private static <R> R attempt(Logger log, String call, StreamObserver<?> responses, Supplier<R> body) {
    try {
      return body.get();
    } catch (RuntimeException e) {
      log.debug("master: {} failed: {}", call, e.getMessage());
      StatusMapping.fail(responses, e);
      return null;
    }
  }

  private static <T> void send(StreamObserver<T> responses, T response) {
    responses.onNext(response);
    responses.onCompleted();
  }
}
