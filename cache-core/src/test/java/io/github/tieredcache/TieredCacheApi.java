package io.github.tieredcache;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The two ways of calling a {@link TieredCache} that {@link TieredCacheContract} runs every
 * behaviour through: the blocking methods, and the asynchronous ones with asynchronous loaders.
 * Both answer the same, and both rethrow a failure's cause itself, so a test asserts once.
 */
public enum TieredCacheApi {
  BLOCKING {
    @Override
    <K, V> V get(TieredCache<K, V> cache, K key, Function<? super K, ? extends V> loader) {
      return cache.get(key, loader);
    }

    @Override
    <K, V> V get(TieredCache<K, V> cache, K key) {
      return cache.get(key);
    }

    @Override
    <K, V> V getIfPresent(TieredCache<K, V> cache, K key) {
      return cache.getIfPresent(key);
    }

    @Override
    <K, V> Map<K, V> getAll(TieredCache<K, V> cache, Iterable<? extends K> keys) {
      return cache.getAll(keys);
    }

    @Override
    <K, V> Map<K, V> getAll(
        TieredCache<K, V> cache,
        Iterable<? extends K> keys,
        Function<? super Set<? extends K>, ? extends Map<? extends K, ? extends V>> bulkLoader) {
      return cache.getAll(keys, bulkLoader);
    }

    @Override
    <K, V> void put(TieredCache<K, V> cache, K key, V value) {
      cache.put(key, value);
    }

    @Override
    <K, V> void invalidate(TieredCache<K, V> cache, K key) {
      cache.invalidate(key);
    }

    @Override
    <K, V> void invalidateAll(TieredCache<K, V> cache) {
      cache.invalidateAll();
    }
  },

  ASYNCHRONOUS {
    @Override
    <K, V> V get(TieredCache<K, V> cache, K key, Function<? super K, ? extends V> loader) {
      return join(cache.getAsync(key, (k, executor) -> call(loader, k)));
    }

    @Override
    <K, V> V get(TieredCache<K, V> cache, K key) {
      return join(cache.getAsync(key));
    }

    @Override
    <K, V> V getIfPresent(TieredCache<K, V> cache, K key) {
      return join(cache.getIfPresentAsync(key));
    }

    @Override
    <K, V> Map<K, V> getAll(TieredCache<K, V> cache, Iterable<? extends K> keys) {
      return join(cache.getAllAsync(keys));
    }

    @Override
    <K, V> Map<K, V> getAll(
        TieredCache<K, V> cache,
        Iterable<? extends K> keys,
        Function<? super Set<? extends K>, ? extends Map<? extends K, ? extends V>> bulkLoader) {
      return join(cache.getAllAsync(keys, (missing, executor) -> call(bulkLoader, missing)));
    }

    @Override
    <K, V> void put(TieredCache<K, V> cache, K key, V value) {
      join(cache.putAsync(key, value));
    }

    @Override
    <K, V> void invalidate(TieredCache<K, V> cache, K key) {
      join(cache.invalidateAsync(key));
    }

    @Override
    <K, V> void invalidateAll(TieredCache<K, V> cache) {
      join(cache.invalidateAllAsync());
    }
  };

  abstract <K, V> V get(TieredCache<K, V> cache, K key, Function<? super K, ? extends V> loader);

  abstract <K, V> V get(TieredCache<K, V> cache, K key);

  abstract <K, V> V getIfPresent(TieredCache<K, V> cache, K key);

  abstract <K, V> Map<K, V> getAll(TieredCache<K, V> cache, Iterable<? extends K> keys);

  abstract <K, V> Map<K, V> getAll(
      TieredCache<K, V> cache,
      Iterable<? extends K> keys,
      Function<? super Set<? extends K>, ? extends Map<? extends K, ? extends V>> bulkLoader);

  abstract <K, V> void put(TieredCache<K, V> cache, K key, V value);

  abstract <K, V> void invalidate(TieredCache<K, V> cache, K key);

  abstract <K, V> void invalidateAll(TieredCache<K, V> cache);

  /** Calls a blocking loader as an asynchronous one would answer: a failure is a failed future. */
  private static <A, R> CompletableFuture<R> call(Function<? super A, ? extends R> loader, A arg) {
    try {
      return CompletableFuture.completedFuture(loader.apply(arg));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Joins, rethrowing the failure's cause itself as the blocking methods do. */
  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }
}
