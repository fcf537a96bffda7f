package io.github.tieredcache.memory;

import org.jspecify.annotations.Nullable;

/** An immutable snapshot of one key: a copy and its expiry per tier, and the generation. */
final class KeyRecord {
  final byte[][] copies;
  final long[] expiries;
  final long generation;
  final long generationExpiry;

  KeyRecord(byte[][] copies, long[] expiries, long generation, long generationExpiry) {
    this.copies = copies;
    this.expiries = expiries;
    this.generation = generation;
    this.generationExpiry = generationExpiry;
  }

  static KeyRecord empty(int tiers) {
    return new KeyRecord(new byte[tiers][], new long[tiers], 0, 0);
  }

  long generation(long now) {
    return generation != 0 && now - generationExpiry < 0 ? generation : 0;
  }

  byte @Nullable [] copy(int tier, long now) {
    return copies[tier] != null && now - expiries[tier] < 0 ? copies[tier] : null;
  }

  int hottest(long now) {
    for (int tier = 0; tier < copies.length; tier++) {
      if (copy(tier, now) != null) {
        return tier;
      }
    }
    return -1;
  }

  KeyRecord withCopy(int tier, byte[] copy, long expiry) {
    byte[][] c = copies.clone();
    long[] e = expiries.clone();
    c[tier] = copy.clone();
    e[tier] = expiry;
    return new KeyRecord(c, e, generation, generationExpiry);
  }

  KeyRecord withoutCopy(int tier) {
    byte[][] c = copies.clone();
    long[] e = expiries.clone();
    c[tier] = null;
    e[tier] = 0;
    return new KeyRecord(c, e, generation, generationExpiry);
  }

  KeyRecord withGeneration(long g, long expiry) {
    return new KeyRecord(copies, expiries, g, expiry);
  }

  boolean isEmpty(long now) {
    return hottest(now) < 0 && generation(now) == 0;
  }
}
