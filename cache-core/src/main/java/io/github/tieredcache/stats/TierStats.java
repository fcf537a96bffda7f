package io.github.tieredcache.stats;

/**
 * Counts for one tier ({@code l0} or a remote tier) in a {@link CacheStats} snapshot.
 *
 * <p>A remote lookup reads every tier at once, but counts as a request to each tier down to the one
 * that answered: a warm hit is a hot miss and a warm hit, and cold is not counted. A lookup that
 * finds nothing is a miss in every tier. So {@code requests} shrink from tier to tier, as they
 * would for a cache that asked the tiers one after another, and each tier's hit ratio says how
 * often it answered when it was the one asked.
 *
 * @param tier the tier's name
 * @param hits lookups this tier answered
 * @param misses lookups that reached this tier and went on
 * @param evictions entries this tier dropped for size or age (known for {@code l0} only)
 */
public record TierStats(String tier, long hits, long misses, long evictions) {

  /** Returns {@code hits + misses}. */
  public long requests() {
    return hits + misses;
  }

  /** Returns {@code hits / requests}, or {@code 0} when there were no requests. */
  public double hitRatio() {
    long requests = requests();
    return requests == 0 ? 0.0 : (double) hits / requests;
  }
}
