package io.github.tieredcache.redis;

/**
 * The generation a {@link RedisTierStore} reports: the cache's epoch in the high half and the key's
 * own counter in the low half.
 *
 * <pre>
 * bit 63      0
 * bits 62..32 epoch of the cache (31 bits, compared modulo 2^31)
 * bits 31..0  the key's generation counter (INCR on its generation key; absent = 0)
 * </pre>
 *
 * <p>Folding the epoch in is what lets {@code writeIfGeneration} refuse a load that read before a
 * {@code clear}, including a load of a key that had no generation at all: its generation was {@code
 * (e, 0)} and after the clear no read can produce {@code (e, anything)} again. A cache that was
 * never cleared has epoch 0, so its generations read {@code 0} when none is recorded, as the SPI
 * asks.
 *
 * <p>A counter never reaches 2^32 in practice (it would take four billion writes to one key within
 * one generation retention); if it did, the masked value would differ from the stored one and the
 * conditional write would be refused, which is the safe direction.
 */
final class Generations {

  static final long EPOCH_MASK = 0x7FFF_FFFFL;
  static final long COUNTER_MASK = 0xFFFF_FFFFL;

  private Generations() {}

  /** Returns the generation of counter {@code counter} in epoch {@code epoch}. */
  static long of(long epoch, long counter) {
    return ((epoch & EPOCH_MASK) << 32) | (counter & COUNTER_MASK);
  }

  /** Returns the epoch part of {@code generation}. */
  static long epoch(long generation) {
    return (generation >>> 32) & EPOCH_MASK;
  }

  /** Returns the counter part of {@code generation}. */
  static long counter(long generation) {
    return generation & COUNTER_MASK;
  }

  /** Returns whether {@code generation} was read in {@code epoch}. */
  static boolean inEpoch(long generation, long epoch) {
    return epoch(generation) == (epoch & EPOCH_MASK);
  }

  /**
   * Parses the decimal text Redis keeps a counter as. Returns {@code 0} for absent or unreadable
   * bytes: a conditional write compares the stored text, so an unreadable counter never matches.
   */
  static long parseCounter(byte @org.jspecify.annotations.Nullable [] text) {
    if (text == null || text.length == 0 || text.length > 19) {
      return 0;
    }
    long value = 0;
    for (byte b : text) {
      if (b < '0' || b > '9') {
        return 0;
      }
      value = value * 10 + (b - '0');
    }
    return value;
  }
}
