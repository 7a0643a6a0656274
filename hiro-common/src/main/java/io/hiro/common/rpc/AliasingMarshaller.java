package io.hiro.common.rpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;

/**
 * A protobuf marshaller for the piece streams: each incoming message is read into an array of
 * its own and parsed with aliasing, so its {@code bytes} fields share that array instead of being
 * copied out of a reused buffer. That saves one copy of every piece byte on each hop. Sending is
 * gRPC's own.
 */
public final class AliasingMarshaller<T extends MessageLite> implements MethodDescriptor.Marshaller<T> {
  private final MethodDescriptor.Marshaller<T> standard;
  private final Parser<T> parser;

  @SuppressWarnings("unchecked")
  private AliasingMarshaller(MethodDescriptor.Marshaller<T> standard, T defaultInstance) {
    this.standard = standard;
    this.parser = (Parser<T>) defaultInstance.getParserForType();
  }

  /** The same method with aliasing parsing for its requests. */
  public static <Q extends MessageLite, R> MethodDescriptor<Q, R> forRequests(MethodDescriptor<Q, R> method,
      Q requestDefault) {
    return method.toBuilder(new AliasingMarshaller<>(method.getRequestMarshaller(), requestDefault), method.getResponseMarshaller()).build();
  }

  /** The same method with aliasing parsing for its responses. */
  public static <Q, R extends MessageLite> MethodDescriptor<Q, R> forResponses(MethodDescriptor<Q, R> method,
      R responseDefault) {
    return method.toBuilder(method.getRequestMarshaller(), new AliasingMarshaller<>(method.getResponseMarshaller(), responseDefault)).build();
  }

  /** {@code service} with {@code method}'s requests parsed with aliasing; its handler is unchanged. */
  @SuppressWarnings("unchecked")
  public static <Q extends MessageLite, R> ServerServiceDefinition withAliasingRequests(ServerServiceDefinition service,
      MethodDescriptor<Q, R> method, Q requestDefault) {
    ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
    for (ServerMethodDefinition<?, ?> bound : service.getMethods()) {
      if (bound.getMethodDescriptor().getFullMethodName().equals(method.getFullMethodName())) {
        builder.addMethod(forRequests(method, requestDefault), (ServerCallHandler<Q, R>) bound.getServerCallHandler());
      } else {
        builder.addMethod(bound);
      }
    }
    return builder.build();
  }

  @Override
  public InputStream stream(T value) {
    return standard.stream(value);
  }

  @Override
  public T parse(InputStream stream) {
    if (!(stream instanceof KnownLength)) {
      return standard.parse(stream);
    }
    try {
      // One array of the known length, filled in place: readNBytes(int) would gather 16 KiB chunks
      // and copy them into the result, a second copy of every byte.
      byte[] bytes = new byte[stream.available()];
      if (stream.readNBytes(bytes, 0, bytes.length) != bytes.length || stream.read() != -1) {
        throw new InvalidProtocolBufferException("message not of its known length");
      }
      // Aliasing only works on input protobuf knows to be immutable, as a ByteString's is; from a
      // plain byte[] (CodedInputStream.newInstance) it copies every bytes field regardless.
      CodedInputStream input = UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
      input.enableAliasing(true);
      input.setSizeLimit(Integer.MAX_VALUE);
      T message = parser.parseFrom(input, ExtensionRegistryLite.getEmptyRegistry());
      input.checkLastTagWas(0);
      return message;
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("invalid protobuf message").withCause(e).asRuntimeException();
    }
  }
}
