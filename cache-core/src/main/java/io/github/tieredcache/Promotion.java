package io.github.tieredcache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides whether a hit in a colder tier copies the entry into a hotter one. A promoted copy takes
 * the target tier's TTL. Promotion is a separate write the reader never waits for, and it never
 * overwrites a newer copy.
 *
 * <p>Implementations are thread-safe.
 *
 * @param <K> the key type
 */
@FunctionalInterface
public interface Promotion<K> {

  /** The "no promotion" answer of {@link #target}. */
  int NONE = -1;

  /**
   * Returns the index of the tier a hit should be copied into, or {@link #NONE}.
   *
   * @param key the key that was hit
   * @param from the index of the tier that answered
   * @param tiers the cache's tiers
   * @param nowNanos the cache's ticker reading
   */
  int target(K key, int from, Tiers tiers, long nowNanos);

  /**
   * The default: a hit in the second tier (warm in {@link Tiers#hotWarmCold()}) is copied into the
   * first (hot); hits elsewhere stay where they are.
   */
  static <K> Promotion<K> warmToHot() {
    return (key, from, tiers, now) -> from == 1 ? 0 : NONE;
  }

  /** Copies a hit in tier {@code from} into tier {@code to}, which must be hotter. */
  static <K> Promotion<K> onHit(String from, String to) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    return (key, hitTier, tiers, now) -> {
      int source = tiers.indexOf(from);
      int target = tiers.indexOf(to);
      return hitTier == source && target < source ? target : NONE;
    };
  }

  /**
   * Copies an entry from tier {@code from} into tier {@code to} once it has been hit there {@code
   * hits} times within {@code window} (counted per instance, for at most {@code maxTracked} keys).
   */
  static <K> Promotion<K> afterHits(int hits, Duration window, String from, String to) {
    return new AfterHits<>(hits, window, from, to, 100_000);
  }

  /** Never promotes. */
  static <K> Promotion<K> never() {
    return (key, from, tiers, now) -> NONE;
  }

  /** Counts hits per key in a Caffeine cache whose entries expire a window after the first hit. */
  final class AfterHits<K> implements Promotion<K> {
    private final int hits;
    private final String from;
    private final String to;
    private final Cache<K, AtomicInteger> counts;

    AfterHits(int hits, Duration window, String from, String to, long maxTracked) {
      if (hits < 1) {
        throw new IllegalArgumentException("hits must be at least 1: " + hits);
      }
      Tier.requirePositive("window", window);
      this.hits = hits;
      this.from = Objects.requireNonNull(from, "from");
      this.to = Objects.requireNonNull(to, "to");
      this.counts = Caffeine.newBuilder().expireAfterWrite(window).maximumSize(maxTracked).build();
    }

    @Override
    public int target(K key, int hitTier, Tiers tiers, long nowNanos) {
      int source = tiers.indexOf(from);
      int target = tiers.indexOf(to);
      if (hitTier != source || target >= source) {
        return NONE;
      }
      int seen = counts.get(key, k -> new AtomicInteger()).incrementAndGet();
      if (seen >= hits) {
        counts.invalidate(key);
        return target;
      }
      return NONE;
    }
  }
}
