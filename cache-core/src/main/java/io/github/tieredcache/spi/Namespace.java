package io.github.tieredcache.spi;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The part of one cache that one {@link TierStore} holds: the cache's name and the names of the
 * tiers kept on that store, hottest first.
 *
 * <p>Tier indexes passed to a store's operations are positions in {@link #tiers()}. A cache whose
 * tiers live on several stores gives each store a namespace with only that store's tiers.
 *
 * @param cacheName the cache's name; never empty
 * @param tiers the names of the tiers kept on the store, hottest first; never empty, no duplicates
 * @param generationRetention how long a key's generation outlives the key's last invalidation or
 *     put; it must outlive the longest load, since a load that started before an invalidation and
 *     finishes after its generation expired could otherwise write its older value
 */
public record Namespace(String cacheName, List<String> tiers, Duration generationRetention) {

  /** The generation retention used when none is configured: five minutes. */
  public static final Duration DEFAULT_GENERATION_RETENTION = Duration.ofMinutes(5);

  public Namespace {
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(tiers, "tiers");
    Objects.requireNonNull(generationRetention, "generationRetention");
    if (cacheName.isBlank()) {
      throw new IllegalArgumentException("cacheName must not be empty");
    }
    if (tiers.isEmpty()) {
      throw new IllegalArgumentException("tiers must not be empty");
    }
    tiers = List.copyOf(tiers);
    if (tiers.stream().distinct().count() != tiers.size()) {
      throw new IllegalArgumentException("tiers must have distinct names: " + tiers);
    }
    if (generationRetention.isNegative() || generationRetention.isZero()) {
      throw new IllegalArgumentException(
          "generationRetention must be positive: " + generationRetention);
    }
  }

  /** Returns a namespace with the default generation retention. */
  public static Namespace of(String cacheName, List<String> tiers) {
    return new Namespace(cacheName, tiers, DEFAULT_GENERATION_RETENTION);
  }

  /** Returns the name of the tier at {@code index}. */
  public String tier(int index) {
    return tiers.get(index);
  }
}
