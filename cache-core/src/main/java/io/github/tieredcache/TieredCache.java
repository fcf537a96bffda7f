package io.github.tieredcache;

import io.github.tieredcache.stats.CacheStats;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A cache with an in-process L0 (Caffeine) in front of remote tiers (hot, warm, cold, ...) kept in
 * a {@link io.github.tieredcache.spi.TierStore}, such as Redis Cluster.
 *
 * <p><b>Reads</b> look in the L0, then read every remote tier of the key in one round trip, then
 * call the loader; at most one load per key runs in an instance at a time and concurrent callers
 * share it. A value loaded or put is written to the tier its {@link Placement} picks; a hit in a
 * colder tier may be copied into a hotter one ({@link Promotion}).
 *
 * <p><b>Failures</b>: a remote tier is an optimisation. When the store fails or is slow, reads
 * answer from the L0 and the loader and never throw because of the store; the failure is counted. A
 * loader's exception reaches every caller waiting on that load, unwrapped for the blocking methods
 * and as the cause of the future's failure for the asynchronous ones, and nothing is cached.
 *
 * <p><b>Absent values</b>: a loader that returns {@code null} makes the read return {@code null};
 * the absence is cached only when the builder set an absent-value TTL.
 *
 * <p>Keys and values are never {@code null} on input. Implementations are thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface TieredCache<K, V> extends AutoCloseable {

  /** Returns a builder for a cache. */
  static <K, V> TieredCacheBuilder<K, V> builder() {
    return new TieredCacheBuilder<>();
  }

  /** Returns the cache's name. */
  String name();

  /** Returns the cache's remote tiers, hottest first. */
  Tiers tiers();

  /**
   * Returns the value for {@code key}, loading it with the cache's loader on a miss.
   *
   * @throws IllegalStateException if the cache has no loader
   */
  @Nullable V get(K key);

  /**
   * Returns the value for {@code key}, loading it with {@code loader} on a miss. The loader runs on
   * the calling thread.
   */
  @Nullable V get(K key, Function<? super K, ? extends @Nullable V> loader);

  /**
   * Returns the value for {@code key} if the L0 or a remote tier holds it, without loading. A
   * cached absence also returns {@code null}.
   */
  @Nullable V getIfPresent(K key);

  /**
   * Returns the values for {@code keys}: found in the L0 or the remote tiers (one pipelined burst
   * per store), the rest loaded with the bulk loader in one call where the cache has one, else one
   * by one with the loader. Keys whose value is absent are left out of the answer.
   */
  Map<K, V> getAll(Iterable<? extends K> keys);

  /**
   * Writes {@code value} to its tier, removes the key's other copies, fills the L0 and tells the
   * other instances to drop their L0 copy. A load of the key that started earlier can no longer
   * write.
   */
  void put(K key, V value);

  /** Removes {@code key} from every tier and the L0, here and in the other instances. */
  void invalidate(K key);

  /**
   * Removes every key of this cache from every tier and the L0, here and in the other instances.
   */
  void invalidateAll();

  /** Returns a snapshot of the cache's counters. */
  CacheStats stats();

  /** Returns the number of entries in the L0 (approximate, as Caffeine's). */
  long l0Size();

  /** Asynchronous {@link #get(Object)}; the cache's loader runs on the cache's executor. */
  CompletableFuture<@Nullable V> getAsync(K key);

  /** Asynchronous {@link #get(Object, Function)}; {@code loader} runs on the cache's executor. */
  CompletableFuture<@Nullable V> getAsync(K key, Function<? super K, ? extends @Nullable V> loader);

  /** Asynchronous {@link #getIfPresent(Object)}. */
  CompletableFuture<@Nullable V> getIfPresentAsync(K key);

  /** Asynchronous {@link #getAll(Iterable)}. */
  CompletableFuture<Map<K, V>> getAllAsync(Iterable<? extends K> keys);

  /** Asynchronous {@link #put(Object, Object)}. */
  CompletableFuture<Void> putAsync(K key, V value);

  /** Asynchronous {@link #invalidate(Object)}. */
  CompletableFuture<Void> invalidateAsync(K key);

  /** Asynchronous {@link #invalidateAll()}. */
  CompletableFuture<Void> invalidateAllAsync();

  /** Ends the cache's invalidation subscription. The store, which may be shared, stays open. */
  @Override
  void close();
}
