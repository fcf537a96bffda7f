package io.github.tieredcache;

import io.github.tieredcache.stats.CacheStats;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A cache with an in-process L0 (Caffeine) in front of remote tiers (hot, warm, cold, ...) kept in
 * a {@link io.github.tieredcache.spi.TierStore}, such as Redis Cluster.
 *
 * <p><b>Reads</b> look in the L0, then read every remote tier of the key in one round trip per
 * store, then call the loader; at most one load per key runs in an instance at a time and
 * concurrent callers share it. A value loaded or put is written to the tier its {@link Placement}
 * picks; a hit in a colder tier may be copied into a hotter one ({@link Promotion}). A read that
 * loads returns as soon as the loader has answered: writing the value back to the remote tiers
 * happens afterwards and never delays it.
 *
 * <p><b>One implementation, two views.</b> The asynchronous methods are the implementation; each
 * blocking method is a view over its asynchronous twin that differs only in where a loader runs: a
 * blocking method calls its loader on the calling thread, an asynchronous one through the cache's
 * executor. An L0 hit of a blocking method touches no future and no other thread; an L0 hit of an
 * asynchronous one allocates only the completed future it returns. The futures of remote reads
 * complete on the store's I/O threads: do not block in their dependent stages.
 *
 * <p><b>Failures</b>: a remote tier is an optimisation. When the store fails or is slow, reads
 * answer from the L0 and the loader and never throw because of the store; the failure is counted.
 * How long a remote call may take is the store's setting (for Redis, its command timeout), and
 * nothing in the cache adds another. A loader's exception reaches every caller waiting on that
 * load, unwrapped for the blocking methods and as the cause of the future's failure for the
 * asynchronous ones, and nothing is cached.
 *
 * <p><b>Absent values</b>: a loader that returns {@code null} makes the read return {@code null};
 * the absence is cached only when the builder set an absent-value TTL.
 *
 * <p>Keys and values are never {@code null} on input; a {@code null} argument fails at once with a
 * {@link NullPointerException} naming it. Implementations are thread-safe.
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
   * Returns the value for {@code key}, loading it with the cache's loader on a miss; the loader
   * runs on the calling thread.
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
   * Returns the values for {@code keys}: found in the L0 or the remote tiers (one bulk read per
   * store), the rest loaded with the cache's bulk loader in one call where it has one, else one by
   * one with its loader, else left out. Loaders run on the calling thread. Keys whose value is
   * absent are left out of the answer, which keeps the order of {@code keys}.
   */
  Map<K, V> getAll(Iterable<? extends K> keys);

  /**
   * Returns the values for {@code keys}, as {@link #getAll(Iterable)} does, loading the keys it
   * misses with one call of {@code bulkLoader}, on the calling thread; keys missing from its answer
   * are absent.
   */
  Map<K, V> getAll(
      Iterable<? extends K> keys,
      Function<? super Set<? extends K>, ? extends Map<? extends K, ? extends V>> bulkLoader);

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

  /** Returns a snapshot of the cache's counters; immutable. */
  CacheStats stats();

  /** Returns this instance's L0 on its own: its size, local invalidation, maintenance. */
  LocalTier<K> local();

  /** Asynchronous {@link #get(Object)}; the cache's loader is called through its executor. */
  CompletableFuture<@Nullable V> getAsync(K key);

  /** Asynchronous {@link #get(Object, Function)}; {@code loader} runs on the cache's executor. */
  CompletableFuture<@Nullable V> getAsync(K key, Function<? super K, ? extends @Nullable V> loader);

  /**
   * Returns the value for {@code key}, loading it with {@code loader} on a miss; {@code loader} is
   * called through the cache's executor and may complete its future on any thread.
   */
  CompletableFuture<@Nullable V> getAsync(K key, AsyncLoader<? super K, V> loader);

  /** Asynchronous {@link #getIfPresent(Object)}. */
  CompletableFuture<@Nullable V> getIfPresentAsync(K key);

  /** Asynchronous {@link #getAll(Iterable)}; loaders are called through the cache's executor. */
  CompletableFuture<Map<K, V>> getAllAsync(Iterable<? extends K> keys);

  /**
   * Asynchronous {@link #getAll(Iterable, Function)}: the keys it misses are loaded with one call
   * of {@code bulkLoader}, through the cache's executor.
   */
  CompletableFuture<Map<K, V>> getAllAsync(
      Iterable<? extends K> keys, AsyncBulkLoader<? super K, V> bulkLoader);

  /** Asynchronous {@link #put(Object, Object)}. */
  CompletableFuture<Void> putAsync(K key, V value);

  /** Asynchronous {@link #invalidate(Object)}. */
  CompletableFuture<Void> invalidateAsync(K key);

  /** Asynchronous {@link #invalidateAll()}. */
  CompletableFuture<Void> invalidateAllAsync();

  /**
   * Ends the cache's invalidation subscription and removes its meters. The store, which may be
   * shared, stays open.
   */
  @Override
  void close();
}
