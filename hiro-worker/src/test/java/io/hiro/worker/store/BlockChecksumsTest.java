package io.hiro.worker.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.Crc32c;
import io.hiro.proto.ReplicaMeta;
import java.nio.ByteBuffer;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class BlockChecksumsTest {
  /** Bytes arriving in messages of any sizes get the checksums of the whole and of each block, as one pass would. */
  @Property(tries = 50)
  void checksumsDoNotDependOnHowTheBytesArrive(@ForAll @IntRange(max = 5 * BlockChecksums.BLOCK_BYTES) int length,
      @ForAll @IntRange(min = 1, max = 3 * BlockChecksums.BLOCK_BYTES) int messageBytes, @ForAll long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    BlockChecksums checksums = new BlockChecksums();
    for (int offset = 0; offset < length; offset += messageBytes) {
      checksums.update(ByteBuffer.wrap(bytes, offset, Math.min(messageBytes, length - offset)));
    }

    ReplicaMeta meta = checksums.finish(ReplicaMeta.newBuilder().setLength(length)).build();

    assertThat(meta.getCrc32C()).isEqualTo(Crc32c.of(bytes, 0, length));
    assertThat(meta.getBlockCrc32CCount()).isEqualTo(BlockChecksums.blockCount(length));
    for (int index = 0; index < meta.getBlockCrc32CCount(); index++) {
      int start = index * BlockChecksums.BLOCK_BYTES;
      assertThat(meta.getBlockCrc32C(index))
          .isEqualTo(Crc32c.of(bytes, start, Math.min(BlockChecksums.BLOCK_BYTES, length - start)));
    }
  }

  /** A message's parts give its own CRC, wherever in the piece it starts. */
  @Property(tries = 100)
  void partsCombineToTheCrcOfTheirBytes(@ForAll @IntRange(max = 3 * BlockChecksums.BLOCK_BYTES) int length,
      @ForAll @IntRange(max = 10 * BlockChecksums.BLOCK_BYTES) int position, @ForAll long seed) {
    byte[] bytes = new byte[length + 10];
    new Random(seed).nextBytes(bytes);
    ByteBuffer message = ByteBuffer.wrap(bytes, 10, length); // position 10, as a view of a string can have

    BlockChecksums.Parts parts = BlockChecksums.parts(position, message);

    assertThat(parts.crc32c()).isEqualTo(Crc32c.of(bytes, 10, length));
    int firstBlockBytes = BlockChecksums.BLOCK_BYTES - position % BlockChecksums.BLOCK_BYTES;
    assertThat(parts.crcs()).hasSize(length == 0 ? 0
        : 1 + (Math.max(0, length - firstBlockBytes) + BlockChecksums.BLOCK_BYTES - 1) / BlockChecksums.BLOCK_BYTES);
  }
}
