package io.hiro.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class Crc32cTest {
  @Property
  void combiningTheCrcsOfTwoPartsGivesTheCrcOfBoth(@ForAll @Size(max = 3000) byte[] a,
      @ForAll @Size(max = 3000) byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);

    assertThat(Crc32c.combine(Crc32c.of(a, 0, a.length), Crc32c.of(b, 0, b.length), b.length))
        .isEqualTo(Crc32c.of(both, 0, both.length));
  }

  @Test
  void blocksCombinedWithOneShiftGiveTheCrcOfTheWhole() {
    byte[] bytes = new byte[16 * 65536 + 1234];
    new Random(3).nextBytes(bytes);
    int shift = Crc32c.shift(65536);
    int whole = 0;
    for (int start = 0; start + 65536 <= bytes.length; start += 65536) {
      whole = Crc32c.combineWithShift(shift, whole, Crc32c.of(bytes, start, 65536));
    }
    whole = Crc32c.combine(whole, Crc32c.of(bytes, 16 * 65536, 1234), 1234);

    assertThat(whole).isEqualTo(Crc32c.of(bytes, 0, bytes.length));
  }

  @Test
  void combiningWithNothingKeepsTheCrc() {
    int crc = Crc32c.of(new byte[] {1, 2, 3}, 0, 3);

    assertThat(Crc32c.combine(crc, 0, 0)).isEqualTo(crc);
    assertThat(Crc32c.combine(0, crc, 3)).isEqualTo(crc);
  }

  @Test
  void combiningAPartOfMoreThan2To32BitsGivesTheCrcOfTheWhole() {
    byte[] head = {1, 2, 3};
    byte[] zeros = new byte[1 << 20];
    long tailBytes = (1L << 29) + 7; // 2^32 bits and more: where zlib's table of 32 entries wraps
    CRC32C whole = new CRC32C();
    CRC32C tail = new CRC32C();
    whole.update(head);
    for (long done = 0; done < tailBytes; done += zeros.length) {
      int n = (int) Math.min(zeros.length, tailBytes - done);
      whole.update(zeros, 0, n);
      tail.update(zeros, 0, n);
    }

    assertThat(Crc32c.combine(Crc32c.of(head, 0, head.length), (int) tail.getValue(), tailBytes))
        .isEqualTo((int) whole.getValue());
  }
}
