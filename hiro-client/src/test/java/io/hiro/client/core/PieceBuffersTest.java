package io.hiro.client.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PieceBuffersTest {
  private static final int MIB = 1 << 20;

  @Test
  void anArrayGivenBackIsTakenAgainForPiecesOfItsLengthOnly() {
    PieceBuffers arrays = new PieceBuffers(3);
    byte[] given = new byte[4 * MIB];
    arrays.give(given);
    byte[] shorter = arrays.take(4 * MIB - 1);
    assertThat(shorter == given).as("reused for a shorter piece: more heap than the pieces need").isFalse();
    assertThat(shorter).hasSize(4 * MIB - 1);
    byte[] longer = arrays.take(4 * MIB + 1);
    assertThat(longer == given).as("reused for a longer piece").isFalse();
    assertThat(longer).hasSize(4 * MIB + 1);
    assertThat(arrays.take(4 * MIB) == given).as("reused for a piece of its length").isTrue();
    assertThat(arrays.keptCount()).isZero();
    assertThat(arrays.take(4 * MIB) == given).as("taken twice").isFalse();
  }

  @Test
  void atMostTheGivenNumberAreKeptTheOnesGivenLast() {
    PieceBuffers arrays = new PieceBuffers(2);
    byte[] first = new byte[MIB];
    byte[] second = new byte[MIB];
    byte[] third = new byte[MIB];
    arrays.give(first);
    arrays.give(second);
    arrays.give(third);
    assertThat(arrays.keptCount()).isEqualTo(2);
    byte[] a = arrays.take(MIB);
    byte[] b = arrays.take(MIB);
    assertThat(a == third && b == second).as("the last two given, the last first").isTrue();
    byte[] c = arrays.take(MIB);
    assertThat(c != first && c != second && c != third).as("a new array once the kept ones are taken").isTrue();
  }

  @Test
  void smallArraysAreNotKept() {
    PieceBuffers arrays = new PieceBuffers(3);
    byte[] small = new byte[PieceBuffers.KEPT_MIN_BYTES - 1];
    arrays.give(small);
    assertThat(arrays.keptCount()).isZero();
    assertThat(arrays.take(small.length) == small).isFalse();
  }
}
