package io.github.tieredcache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Objects;

/**
 * Decides whether a hit in a colder tier copies the entry into a hotter one (or moves it there,
 * {@link #moving()}). A promoted copy takes the target tier's TTL (by TTL, capped by its source's
 * freshness). Promotion is a separate write the reader never waits for, and it never overwrites a
 * newer copy. The cache's default depends on its freshness mode; see {@code
 * TieredCacheBuilder.promotion}.
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
   * Checks the policy against the cache's tiers when the cache is built, so a misnamed tier fails
   * fast.
   *
   * @throws IllegalArgumentException if the policy names a tier the cache lacks, or promotes into a
   *     colder tier
   */
  default void check(Tiers tiers) {}

  /**
   * Returns whether a promotion removes the copy it came from (see {@link #moving()}); {@code
   * false} unless the policy was made moving.
   */
  default boolean moves() {
    return false;
  }

  /**
   * Returns this policy, made to move: a promoted key keeps one copy, in the hotter tier, instead
   * of two (the colder copy is removed in the same atomic step as the write, when both tiers are on
   * one store; across stores the colder copy stays). Under freshness by invalidation the promoted
   * copy lives the target tier's TTL from the promotion, so a key read again stays stored as long
   * as with copying, at the cost of one copy (the default there). Under freshness by TTL it keeps
   * its source's freshness, capped by the target tier's TTL, so moving shortens a key's stay: on
   * the effectiveness report's trace, more database reads than copying or not promoting.
   */
  default Promotion<K> moving() {
    Promotion<K> policy = this;
    return new Promotion<>() {
      @Override
      public int target(K key, int from, Tiers tiers, long nowNanos) {
        return policy.target(key, from, tiers, nowNanos);
      }

      @Override
      public void check(Tiers tiers) {
        policy.check(tiers);
      }

      @Override
      public boolean moves() {
        return true;
      }

      @Override
      public String toString() {
        return policy + ", moving";
      }
    };
  }

  /**
   * A hit in the second tier (warm in {@link Tiers#hotWarmCold()}) is copied into the first (hot);
   * hits elsewhere stay where they are. Made {@link #moving()}, the default under freshness by
   * invalidation.
   */
  static <K> Promotion<K> warmToHot() {
    return (key, from, tiers, now) -> from == 1 ? 0 : NONE;
  }

  /** Copies a hit in tier {@code from} into tier {@code to}, which must be hotter. */
  static <K> Promotion<K> onHit(String from, String to) {
    return afterHits(1, Duration.ofSeconds(1), from, to);
  }

  /**
   * Copies an entry from tier {@code from} into tier {@code to} once it has been hit there {@code
   * hits} times within {@code window}, as the cache's ticker measures it (counted per instance, for
   * at most 100,000 keys at a time).
   */
  static <K> Promotion<K> afterHits(int hits, Duration window, String from, String to) {
    return new AfterHits<>(hits, window, from, to, 100_000);
  }

  /** Never promotes. */
  static <K> Promotion<K> never() {
    return (key, from, tiers, now) -> NONE;
  }

  /**
   * Counts hits per key: a window opens at a key's first hit (by the cache's ticker) and the key is
   * promoted on the {@code hits}-th hit inside it. Counters live in a bounded Caffeine cache, so
   * keys hit once do not accumulate.
   */
  final class AfterHits<K> implements Promotion<K> {
    private final int hits;
    private final long windowNanos;
    private final String from;
    private final String to;
    private final Cache<K, Window> windows;

    /** A key's open window: when it opened and how many hits it has seen. */
    private record Window(long openedAt, int hits) {}

    AfterHits(int hits, Duration window, String from, String to, long maxTracked) {
      if (hits < 1) {
        throw new IllegalArgumentException("hits must be at least 1: " + hits);
      }
      Tier.requirePositive("window", window);
      this.hits = hits;
      this.windowNanos = window.toNanos();
      this.from = Objects.requireNonNull(from, "from");
      this.to = Objects.requireNonNull(to, "to");
      this.windows = Caffeine.newBuilder().maximumSize(maxTracked).build();
    }

    @Override
    public void check(Tiers tiers) {
      int source = indexOf(tiers, "from", from);
      int target = indexOf(tiers, "to", to);
      if (target >= source) {
        throw new IllegalArgumentException(
            "promotion: tier '" + to + "' is not hotter than tier '" + from + "'");
      }
    }

    private static int indexOf(Tiers tiers, String what, String name) {
      try {
        return tiers.indexOf(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("promotion " + what + ": " + e.getMessage(), e);
      }
    }

    @Override
    public int target(K key, int hitTier, Tiers tiers, long nowNanos) {
      int source = tiers.indexOf(from);
      if (hitTier != source) {
        return NONE;
      }
      int target = tiers.indexOf(to);
      if (target >= source) {
        return NONE;
      }
      if (hits == 1) {
        return target;
      }
      Window window =
          windows
              .asMap()
              .compute(
                  key,
                  (k, w) ->
                      w == null || nowNanos - w.openedAt() >= windowNanos
                          ? new Window(nowNanos, 1)
                          : new Window(w.openedAt(), w.hits() + 1));
      if (window.hits() >= hits) {
        windows.asMap().remove(key, window);
        return target;
      }
      return NONE;
    }
  }
}
