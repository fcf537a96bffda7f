package io.github.tieredcache.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * One copy to write into one tier of a {@link TierStore}.
 *
 * @param key the encoded cache key
 * @param tier the index of the tier in {@link Namespace#tiers()}
 * @param copy the bytes to store, envelope included
 * @param ttl how long the store keeps the copy; positive
 * @param expectedGeneration for a conditional write, the generation the load saw; ignored by
 *     unconditional writes
 * @param leaseToken for a conditional write by the holder of the key's load lease (see {@link
 *     TierStore#lease}), its token; {@code 0} for every other write
 */
public record Write(
    byte[] key, int tier, byte[] copy, Duration ttl, long expectedGeneration, long leaseToken) {

  /** A write that holds no lease. */
  public Write(byte[] key, int tier, byte[] copy, Duration ttl, long expectedGeneration) {
    this(key, tier, copy, ttl, expectedGeneration, 0);
  }

  public Write {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(copy, "copy");
    Objects.requireNonNull(ttl, "ttl");
    if (tier < 0) {
      throw new IllegalArgumentException("tier must be >= 0: " + tier);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
  }
}
