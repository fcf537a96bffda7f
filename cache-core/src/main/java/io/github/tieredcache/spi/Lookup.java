package io.github.tieredcache.spi;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link TierStore} found for one key: the hottest copy held in any of the namespace's
 * tiers, if any, and the key's current generation.
 *
 * <p>The copy is the bytes exactly as written, envelope included; the cache, not the store, reads
 * the envelope (see {@link Envelope}) to learn when the copy stops being fresh and servable.
 *
 * @param tier the index (in {@link Namespace#tiers()}) of the tier the copy came from, or {@code
 *     -1} when no tier holds the key
 * @param copy the stored bytes, or {@code null} when no tier holds the key
 * @param generation the key's generation: an opaque token that only {@link
 *     TierStore#writeIfGeneration} and {@link TierStore#promote} compare for equality ({@code 0}
 *     for a key of a never-cleared cache that has no generation recorded; a store may fold more
 *     into it, such as the cache's epoch)
 */
public record Lookup(int tier, byte @Nullable [] copy, long generation) {

  /** Returns a lookup that found no copy. */
  public static Lookup miss(long generation) {
    return new Lookup(-1, null, generation);
  }

  /** Returns a lookup that found {@code copy} in the tier at {@code tier}. */
  public static Lookup hit(int tier, byte[] copy, long generation) {
    if (tier < 0) {
      throw new IllegalArgumentException("tier must be >= 0: " + tier);
    }
    return new Lookup(tier, java.util.Objects.requireNonNull(copy, "copy"), generation);
  }

  /** Returns whether a tier held the key. */
  public boolean isHit() {
    return copy != null;
  }
}
