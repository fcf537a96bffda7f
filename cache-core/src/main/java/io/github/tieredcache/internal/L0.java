package io.github.tieredcache.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.Weigher;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;

/**
 * The in-process tier: a Caffeine cache in front of the remote tiers, or nothing when it is off.
 *
 * <p><b>Lifetime.</b> An entry lives at most the L0 bound ({@code l0ExpireAfterWrite}, 30 s by
 * default) and never longer than the remote copy it came from stays fresh. The bound is Caffeine's
 * own fixed expire-after-write; the shorter per-entry deadline is kept in the entry and checked on
 * every hit. Both read the same ticker, which for the system clock is {@link CoarseTicker}: a fixed
 * expiry plus one comparison costs a fraction of Caffeine's variable expiry, and no read of {@code
 * System.nanoTime()} happens on a hit. A hit on an entry past its deadline is a miss, and the entry
 * is dropped.
 *
 * <p><b>Invalidation stripes: how a fill never undoes an invalidation.</b> A read that misses notes
 * the key's stripe (one of {@value #STRIPES} counters, by key hash) before it asks the remote
 * tiers; an invalidation moves the stripe and then removes the key. The fill that ends the read
 * runs inside Caffeine's {@code compute} on the key and stores only if the stripe has not moved.
 * Removal and fill of one key are serialized by Caffeine, so either the fill lands first and the
 * removal removes it, or the fill sees the moved stripe and gives up. A write to another key of the
 * same stripe can make a fill give up too: that costs one more remote read, never a stale entry.
 *
 * <p>Thread-safe. Counting a hit or a miss is one striped-counter increment.
 */
final class L0<K> {

  static final int STRIPES = 1024;

  /**
   * A value (or {@link Values#ABSENT}) that must leave the L0 before the bound: at {@code
   * expiresAt}, a reading of the ticker.
   */
  record Deadline(Object value, long expiresAt) {}

  private final @Nullable Cache<K, Object> cache;
  private final Ticker ticker;
  private final long boundNanos;
  private final StatsRecorder stats;
  private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);

  private L0(
      @Nullable Cache<K, Object> cache, Ticker ticker, long boundNanos, StatsRecorder stats) {
    this.cache = cache;
    this.ticker = ticker;
    this.boundNanos = boundNanos;
    this.stats = stats;
  }

  /** Returns an L0 that holds nothing: every read misses. */
  static <K> L0<K> disabled(Ticker ticker, StatsRecorder stats) {
    return new L0<>(null, ticker, 0, stats);
  }

  /**
   * Returns an L0 bounded by entry count ({@code maximumWeight <= 0}) or by weight.
   *
   * @param ticker the time source of expiry (the coarse ticker for the system clock)
   * @param executor runs Caffeine's maintenance and listeners
   */
  static <K, V> L0<K> bounded(
      long maximumSize,
      long maximumWeight,
      @Nullable Weigher<? super K, ? super V> weigher,
      long boundNanos,
      Ticker ticker,
      Executor executor,
      StatsRecorder stats) {
    Caffeine<Object, Object> builder = Caffeine.newBuilder().ticker(ticker);
    if (maximumWeight > 0 && weigher != null) {
      builder.maximumWeight(maximumWeight);
      builder.weigher(
          (Object key, Object entry) -> {
            Object value = entry instanceof Deadline d ? d.value() : entry;
            if (value == Values.ABSENT) {
              return 1;
            }
            @SuppressWarnings("unchecked")
            K k = (K) key;
            @SuppressWarnings("unchecked")
            V v = (V) value;
            return weigher.weigh(k, v);
          });
    } else {
      builder.maximumSize(maximumSize);
    }
    Cache<K, Object> cache =
        builder
            .expireAfterWrite(boundNanos, TimeUnit.NANOSECONDS)
            .evictionListener(
                (@Nullable Object key, @Nullable Object value, RemovalCause cause) -> {
                  if (cause.wasEvicted()) {
                    stats.l0Eviction();
                  }
                })
            .executor(executor)
            .<K, Object>build();
    return new L0<>(cache, ticker, boundNanos, stats);
  }

  /** Returns whether the L0 holds anything at all. */
  boolean enabled() {
    return cache != null;
  }

  /**
   * Returns the value held for {@code key} ({@link Values#ABSENT} for a cached absence), or {@code
   * null}; counts an L0 hit or miss.
   */
  @Nullable Object get(K key) {
    Cache<K, Object> c = cache;
    if (c != null) {
      Object entry = c.getIfPresent(key);
      if (entry != null) {
        if (!(entry instanceof Deadline d)) {
          stats.l0Hit();
          return entry;
        }
        if (d.expiresAt() - ticker.read() > 0) {
          stats.l0Hit();
          return d.value();
        }
        c.asMap().remove(key, entry); // past the remote copy's freshness
      }
    }
    stats.l0Miss();
    return null;
  }

  /** Returns the stripe reading a read of {@code key} takes before it asks the remote tiers. */
  long stripe(K key) {
    return stripes.get(stripeIndex(key));
  }

  /**
   * Stores {@code value} for at most {@code untilFreshNanos} (and the bound), unless the key's
   * stripe moved since {@code seen}; see the class comment. Returns the entry stored (the value or
   * its {@link Deadline}), or {@code null} when nothing was.
   */
  @Nullable Object fill(K key, Object value, long untilFreshNanos, long seen) {
    Cache<K, Object> c = cache;
    if (c == null || value == Values.NOT_FOUND || untilFreshNanos <= 0) {
      return null;
    }
    Object entry =
        untilFreshNanos >= boundNanos
            ? value
            : new Deadline(value, ticker.read() + untilFreshNanos);
    Object stored = c.asMap().compute(key, (k, old) -> stripe(k) == seen ? entry : old);
    return stored == entry ? entry : null;
  }

  /** Removes {@code entry} if it is still the key's entry (nothing replaced it meanwhile). */
  void drop(K key, @Nullable Object entry) {
    Cache<K, Object> c = cache;
    if (c != null && entry != null) {
      c.asMap().remove(key, entry);
    }
  }

  /** Moves the key's stripe and drops its entry; see the class comment. */
  void invalidate(K key) {
    stripes.incrementAndGet(stripeIndex(key));
    Cache<K, Object> c = cache;
    if (c != null) {
      c.invalidate(key);
    }
  }

  /** Moves every stripe and drops every entry. */
  void invalidateAll() {
    for (int i = 0; i < STRIPES; i++) {
      stripes.incrementAndGet(i);
    }
    Cache<K, Object> c = cache;
    if (c != null) {
      c.invalidateAll();
    }
  }

  /** Returns the approximate number of entries, as Caffeine estimates it. */
  long estimatedSize() {
    Cache<K, Object> c = cache;
    return c == null ? 0 : c.estimatedSize();
  }

  /** Runs Caffeine's pending maintenance (expiry, eviction) now. */
  void cleanUp() {
    Cache<K, Object> c = cache;
    if (c != null) {
      c.cleanUp();
    }
  }

  private static int stripeIndex(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }
}
