package io.github.tieredcache.internal;

import io.github.tieredcache.TieredCache;

/**
 * Makes the cache a {@code TieredCacheBuilder} describes; the one entry point into this package.
 *
 * <p>Not API: this package is not exported by the module, and the type may change in any release.
 * Build caches with {@code TieredCache.builder()}.
 */
public final class TieredCaches {

  private TieredCaches() {}

  /** Returns a new cache, subscribed to its invalidation messages. */
  public static <K, V> TieredCache<K, V> create(CacheConfig<K, V> config) {
    return new DefaultTieredCache<>(config);
  }
}
