package io.github.tieredcache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Loads one value asynchronously, for {@link TieredCache#getAsync(Object, AsyncLoader)} and {@link
 * TieredCacheBuilder#asyncLoader(AsyncLoader)}.
 *
 * <p>Called through an executor, never on a store's I/O thread: the cache's executor for the
 * asynchronous methods and refreshes, the calling thread for the blocking ones. It should start its
 * work and return; {@code executor} (the cache's) is there for the work it hands off. A future
 * completing with {@code null} means "absent"; one failing reaches every caller waiting on the
 * load, and nothing is cached.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface AsyncLoader<K, V> {

  /** Starts loading the value of {@code key} and returns its future; never {@code null}. */
  CompletableFuture<? extends @Nullable V> load(K key, Executor executor);
}
