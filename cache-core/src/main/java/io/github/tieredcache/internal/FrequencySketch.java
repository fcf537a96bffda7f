package io.github.tieredcache.internal;

/**
 * How often each key missed recently, estimated: a count-min sketch of 4 rows of 4-bit counters (16
 * per {@code long}), one counter per row chosen by a differently seeded hash, the estimate the
 * smallest of the 4. After {@code 10 × width} increments every counter is halved, so what was asked
 * for long ago fades (the aging of Caffeine's TinyLFU, here with a plain lock: it is touched once
 * per load, which costs a database read anyway).
 *
 * <p>An estimate is never below the true count since the last halvings, and above it only by
 * collisions. Thread-safe.
 */
final class FrequencySketch {

  private static final long[] SEEDS = {
    0x97CB3127L, 0xB492B66FBE98F273L, 0x9AE16A3B2F90404FL, 0xCBF29CE484222325L
  };

  private final long[] table; // 4 rows, each width / 16 longs
  private final int width;
  private final int resetAfter;
  private int additions;

  /** A sketch with at least {@code expectedKeys} columns (a power of two). */
  FrequencySketch(long expectedKeys) {
    int w = Integer.highestOneBit((int) Math.max(16, Math.min(expectedKeys, 1 << 24)) - 1) << 1;
    this.width = w;
    this.table = new long[4 * (w / 16)];
    this.resetAfter = (int) Math.min(Integer.MAX_VALUE, 10L * w);
  }

  /** Counts one more request of the key hashed {@code hash}; returns its new estimate (max 15). */
  synchronized int increment(long hash) {
    int estimate = Integer.MAX_VALUE;
    for (int row = 0; row < 4; row++) {
      int column = column(hash, row);
      int index = row * (width / 16) + (column >>> 4);
      int shift = (column & 15) << 2;
      int count = (int) ((table[index] >>> shift) & 0xF);
      if (count < 15) {
        table[index] += 1L << shift;
        count++;
      }
      estimate = Math.min(estimate, count);
    }
    if (++additions >= resetAfter) {
      halve();
    }
    return estimate;
  }

  /** Returns the key's estimate without counting a request. */
  synchronized int frequency(long hash) {
    int estimate = Integer.MAX_VALUE;
    for (int row = 0; row < 4; row++) {
      int column = column(hash, row);
      int index = row * (width / 16) + (column >>> 4);
      estimate = Math.min(estimate, (int) ((table[index] >>> ((column & 15) << 2)) & 0xF));
    }
    return estimate;
  }

  /** Returns the sketch's memory: its counters, in bytes. */
  long bytes() {
    return 8L * table.length;
  }

  private void halve() {
    for (int i = 0; i < table.length; i++) {
      table[i] = (table[i] >>> 1) & 0x7777777777777777L;
    }
    additions /= 2;
  }

  private int column(long hash, int row) {
    long h = (hash + SEEDS[row]) * SEEDS[row];
    h ^= h >>> 32;
    return (int) h & (width - 1);
  }
}
