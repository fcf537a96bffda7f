package io.github.tieredcache;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Loads many values asynchronously in one call, for {@link TieredCache#getAllAsync(Iterable,
 * AsyncBulkLoader)} and {@link TieredCacheBuilder#asyncBulkLoader(AsyncBulkLoader)}.
 *
 * <p>Called as {@link AsyncLoader} is, with the keys the cache missed (an unmodifiable set). Keys
 * missing from the answer are absent; keys that were not asked for are ignored. A failing future
 * fails every key of the call.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface AsyncBulkLoader<K, V> {

  /** Starts loading the values of {@code keys} and returns their future; never {@code null}. */
  CompletableFuture<? extends Map<? extends K, ? extends V>> loadAll(
      Set<? extends K> keys, Executor executor);
}
