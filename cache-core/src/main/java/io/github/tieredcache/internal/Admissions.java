package io.github.tieredcache.internal;

import io.github.tieredcache.Tier;
import io.github.tieredcache.Tiers;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Each remote tier's admission (see {@code Admission}): whether a loaded value is written to the
 * tier it is placed in. A tier that admits every key has no sketch; the others count each miss of a
 * key in a {@link FrequencySketch} and admit the key from its second.
 *
 * <p>Thread-safe.
 */
final class Admissions {

  private final @Nullable FrequencySketch[] sketches;

  Admissions(Tiers tiers) {
    sketches = new FrequencySketch[tiers.size()];
    for (int i = 0; i < tiers.size(); i++) {
      Tier tier = tiers.get(i);
      if (!tier.admission().admitsEveryKey()) {
        sketches[i] = new FrequencySketch(tier.admission().expectedKeys());
      }
    }
  }

  /**
   * Counts a miss of {@code encodedKey} whose value is placed in {@code tier}, and returns whether
   * the tier takes its copy.
   */
  boolean admit(int tier, byte[] encodedKey) {
    FrequencySketch sketch = tier < sketches.length ? sketches[tier] : null;
    return sketch == null || sketch.increment(hash(encodedKey)) >= 2;
  }

  /** Returns the memory of every tier's sketch, in bytes. */
  long bytes() {
    long bytes = 0;
    for (FrequencySketch sketch : sketches) {
      if (sketch != null) {
        bytes += sketch.bytes();
      }
    }
    return bytes;
  }

  private static long hash(byte[] key) {
    long h = Arrays.hashCode(key) * 0x9E3779B97F4A7C15L;
    return h ^ (h >>> 29) ^ ((long) key.length << 40);
  }
}
