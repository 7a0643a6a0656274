package io.hiro.common.rpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Requests an attacker or a broken peer might send: every field of any request message is filled,
 * or not, with a value from a pool of troublemakers for its type — empty, huge, negative, paths
 * with {@code ..}, NUL bytes, very long names, ids that exist and ids that do not — chosen by a
 * seeded random, so a failing case replays from its seed. Works from the message's descriptor, so
 * a field added to a .proto is covered without touching this class.
 */
public final class HostileMessages {
  /** Codes a daemon may answer hostile input with; UNKNOWN and INTERNAL mean it was not checked where it entered. */
  public static final Set<Status.Code> MEANINGFUL_CODES = EnumSet.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT,
      Status.Code.NOT_FOUND, Status.Code.ALREADY_EXISTS, Status.Code.FAILED_PRECONDITION, Status.Code.OUT_OF_RANGE,
      Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED, Status.Code.RESOURCE_EXHAUSTED,
      Status.Code.UNAVAILABLE, Status.Code.DATA_LOSS);

  private static final List<String> STRINGS = List.of("", "/", "//", "/..", "/a/../b", "..", "../../etc/passwd",
      "/a/./b", "/x", "/x/y", "/x/f", "/x/y/z", "/new", "/" + "a".repeat(300), "/" + "b/".repeat(3_000), "\u0000",
      "/a\u0000b", "/ünï/©", "/a b", "/\n", "%2e%2e", "w-0", "w-1", "w-unknown", "127.0.0.1:1", "localhost:0", "[::1]:5",
      "host:99999", "x".repeat(70_000));
  private static final long[] LONGS = {0, 1, -1, 2, 3, 4096, 64L << 20, 1L << 40, Integer.MAX_VALUE,
      Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE};
  private static final int FIELD_SET_PERCENT = 70;
  private static final int REPEATED_MAX = 4;
  private static final int DEPTH_MAX = 3;

  private HostileMessages() {}

  /** The request type's default instance, from a generated method's marshaller. */
  public static Message prototype(MethodDescriptor<?, ?> method) {
    return (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller()).getMessagePrototype();
  }

  /** A message of {@code prototype}'s type with hostile field values; {@code known} are ids that exist. */
  @SuppressWarnings("unchecked")
  public static <T extends Message> T fill(T prototype, SplittableRandom random, long... known) {
    return (T) fill(prototype.newBuilderForType(), random, known, 0).build();
  }

  private static Message.Builder fill(Message.Builder builder, SplittableRandom random, long[] known, int depth) {
    for (FieldDescriptor field : builder.getDescriptorForType().getFields()) {
      if (random.nextInt(100) >= FIELD_SET_PERCENT) {
        continue;
      }
      if (field.isRepeated()) {
        int count = random.nextInt(REPEATED_MAX + 1);
        for (int i = 0; i < count; i++) {
          Object value = value(builder, field, random, known, depth);
          if (value != null) {
            builder.addRepeatedField(field, value);
          }
        }
      } else {
        Object value = value(builder, field, random, known, depth);
        if (value != null) {
          builder.setField(field, value);
        }
      }
    }
    return builder;
  }

  private static Object value(Message.Builder builder, FieldDescriptor field, SplittableRandom random, long[] known,
      int depth) {
    return switch (field.getJavaType()) {
      case STRING -> STRINGS.get(random.nextInt(STRINGS.size()));
      case LONG -> known.length > 0 && random.nextBoolean() ? known[random.nextInt(known.length)] : someLong(random);
      case INT -> (int) someLong(random);
      case BOOLEAN -> random.nextBoolean();
      case BYTE_STRING -> someBytes(random);
      case MESSAGE -> depth >= DEPTH_MAX ? null
          : fill(builder.newBuilderForField(field), random, known, depth + 1).build();
      case FLOAT, DOUBLE, ENUM -> null;
    };
  }

  private static long someLong(SplittableRandom random) {
    return random.nextInt(4) == 0 ? random.nextLong() : LONGS[random.nextInt(LONGS.length)];
  }

  private static ByteString someBytes(SplittableRandom random) {
    int[] sizes = {0, 1, 31, 32, 33, 34, 100, 4096};
    byte[] bytes = new byte[sizes[random.nextInt(sizes.length)]];
    random.nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }
}
