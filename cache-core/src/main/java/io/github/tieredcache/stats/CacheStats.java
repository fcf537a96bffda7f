package io.github.tieredcache.stats;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of a cache's counters, as {@code TieredCache.stats()} returns it.
 *
 * @param cacheName the cache's name
 * @param requests reads answered by the cache ({@code get}, {@code getIfPresent}, one per key of
 *     {@code getAll})
 * @param tiers per tier, {@code l0} first, then the remote tiers hottest first
 * @param loadSuccesses loader calls that returned (a {@code null} result included)
 * @param loadFailures loader calls that threw
 * @param totalLoadTimeNanos time spent in the loader
 * @param promotions promotions written, keyed {@code "from->to"}
 * @param puts values written by {@code put} or a load
 * @param decodeErrors stored copies that did not decode and were treated as misses
 * @param remoteErrors remote operations that failed or timed out
 * @param oversized values not stored remotely because they exceeded the size bound
 * @param coalesced reads that missed the L0 and waited for a concurrent read of the same key
 *     (single flight) instead of asking the remote tiers and the loader themselves; with the tiers'
 *     hits and the loads they account for every request
 * @param writesRefused loaded values the store refused to write because the key was invalidated or
 *     put while they loaded: returned to their callers, cached nowhere
 * @param messageGaps times a sender's message sequence jumped (messages were lost; the L0 was
 *     cleared)
 * @param distrustedEpisodes times this instance stopped trusting its L0 and remote copies after a
 *     fault (freshness by invalidation)
 * @param foreignCopies copies found written by another codec or schema: misses, left in place
 * @param admissionsRefused loaded values their tier did not admit ({@code Admission}): returned and
 *     kept in the L0, not written remotely
 * @param admissionSketchBytes the memory of the cache's admission sketches, in bytes
 * @param staleOnError reads answered with a copy past its freshness because the load failed ({@code
 *     TieredCacheBuilder.staleOnError})
 * @param leaseWaits reads that found the key's load lease held by another instance and waited for
 *     its copy instead of loading ({@code TieredCacheBuilder.loadLease})
 */
public record CacheStats(
    String cacheName,
    long requests,
    List<TierStats> tiers,
    long loadSuccesses,
    long loadFailures,
    long totalLoadTimeNanos,
    Map<String, Long> promotions,
    long puts,
    long decodeErrors,
    long remoteErrors,
    long oversized,
    long coalesced,
    long writesRefused,
    long messageGaps,
    long distrustedEpisodes,
    long foreignCopies,
    long admissionsRefused,
    long admissionSketchBytes,
    long staleOnError,
    long leaseWaits) {

  public CacheStats {
    tiers = List.copyOf(tiers);
    promotions = Map.copyOf(promotions);
  }

  /** Returns the counts of the tier called {@code name} ({@code "l0"} for the in-process tier). */
  public Optional<TierStats> tier(String name) {
    return tiers.stream().filter(t -> t.tier().equals(name)).findFirst();
  }

  private TierStats requireTier(String name) {
    return tier(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no tier named '"
                        + name
                        + "' in "
                        + tiers.stream().map(TierStats::tier).toList()));
  }

  /** Returns the number of loader calls. */
  public long loads() {
    return loadSuccesses + loadFailures;
  }

  /** Returns the share of requests answered by any tier, without the loader. */
  public double hitRatio() {
    long hits = tiers.stream().mapToLong(TierStats::hits).sum();
    return requests == 0 ? 0.0 : (double) hits / requests;
  }

  /**
   * Returns the share of requests that the tier called {@code name} answered.
   *
   * @throws IllegalArgumentException if there is no such tier
   */
  public double servedShare(String name) {
    TierStats tier = requireTier(name);
    return requests == 0 ? 0.0 : (double) tier.hits() / requests;
  }

  /** Returns the mean time of a loader call, in nanoseconds, or 0. */
  public double averageLoadPenaltyNanos() {
    long loads = loads();
    return loads == 0 ? 0.0 : (double) totalLoadTimeNanos / loads;
  }
}
