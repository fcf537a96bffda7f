package io.github.tieredcache.internal;

import io.github.tieredcache.AsyncBulkLoader;
import io.github.tieredcache.AsyncLoader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Calls a cache's loaders: through the executor the caller names, with the loader's own executor
 * argument set to the cache's, turning a {@code null} value into {@link Values#ABSENT}, a thrown
 * exception into a failed future, and timing each call ({@code cache.loads}, and the moving average
 * {@link EarlyRefresh} uses).
 *
 * <p>Thread-safe.
 */
final class LoaderCalls<K> {

  private final Executor executor;
  private final StatsRecorder stats;
  private final EarlyRefresh early;

  LoaderCalls(Executor executor, StatsRecorder stats, EarlyRefresh early) {
    this.executor = executor;
    this.stats = stats;
    this.early = early;
  }

  /**
   * Calls {@code loader} for {@code key} through {@code where}; completes with the value, {@link
   * Values#ABSENT} for {@code null}, or the loader's failure (unwrapped). Counts the load.
   */
  CompletableFuture<Object> call(AsyncLoader<? super K, ?> loader, K key, Executor where) {
    CompletableFuture<Object> result = new CompletableFuture<>();
    try {
      where.execute(
          () -> {
            long start = System.nanoTime();
            long began = early.start();
            CompletableFuture<?> loading;
            try {
              loading =
                  Objects.requireNonNull(
                      loader.load(key, executor), "the loader returned no future");
            } catch (Throwable t) {
              stats.loadFailure(System.nanoTime() - start);
              result.completeExceptionally(t);
              return;
            }
            loading.whenComplete(
                (value, error) -> {
                  if (error != null) {
                    stats.loadFailure(System.nanoTime() - start);
                    result.completeExceptionally(unwrap(error));
                  } else {
                    stats.loadSuccess(System.nanoTime() - start);
                    early.loaded(began);
                    result.complete(value == null ? Values.ABSENT : value);
                  }
                });
          });
    } catch (RuntimeException rejected) {
      result.completeExceptionally(rejected);
    }
    return result;
  }

  CompletableFuture<Map<K, ?>> callBulk(
      AsyncBulkLoader<? super K, ?> loader, List<K> keys, Executor where) {
    CompletableFuture<Map<K, ?>> result = new CompletableFuture<>();
    Set<K> wanted = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(keys));
    try {
      where.execute(
          () -> {
            long start = System.nanoTime();
            CompletableFuture<? extends Map<?, ?>> loading;
            try {
              loading =
                  Objects.requireNonNull(
                      loader.loadAll(wanted, executor), "the bulk loader returned no future");
            } catch (Throwable t) {
              stats.loadFailure(System.nanoTime() - start);
              result.completeExceptionally(t);
              return;
            }
            loading.whenComplete(
                (loaded, error) -> {
                  if (error != null) {
                    stats.loadFailure(System.nanoTime() - start);
                    result.completeExceptionally(unwrap(error));
                    return;
                  }
                  stats.loadSuccess(System.nanoTime() - start);
                  Map<K, Object> values = new LinkedHashMap<>();
                  if (loaded != null) {
                    for (K key : wanted) {
                      Object value = loaded.get(key);
                      if (value != null) {
                        values.put(key, value);
                      }
                    }
                  }
                  result.complete(values);
                });
          });
    } catch (RuntimeException rejected) {
      result.completeExceptionally(rejected);
    }
    return result;
  }

  /** Returns the cause a {@link CompletionException} wraps. */
  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
