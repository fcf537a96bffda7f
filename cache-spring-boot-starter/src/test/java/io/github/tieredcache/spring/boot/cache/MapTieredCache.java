package io.github.tieredcache.spring.boot.cache;

import io.github.tieredcache.TieredCache;
import io.github.tieredcache.Tiers;
import io.github.tieredcache.stats.CacheStats;
import io.github.tieredcache.stats.StatsRecorder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TieredCache} over one map, to test the Spring adapter's contract apart from the real
 * cache: one tier, single-flight loads through {@link ConcurrentHashMap#computeIfAbsent}, a
 * loader's exception passed on unwrapped, a loaded null not cached.
 */
final class MapTieredCache implements TieredCache<Object, Object> {

  final Map<Object, Object> map = new ConcurrentHashMap<>();
  final AtomicInteger invalidateAllCalls = new AtomicInteger();
  private final String name;

  MapTieredCache(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Tiers tiers() {
    return Tiers.hotWarmCold();
  }

  @Override
  public @Nullable Object get(Object key) {
    throw new IllegalStateException("no loader");
  }

  @Override
  public @Nullable Object get(
      Object key, Function<? super Object, ? extends @Nullable Object> loader) {
    return map.computeIfAbsent(key, loader);
  }

  @Override
  public @Nullable Object getIfPresent(Object key) {
    return map.get(key);
  }

  @Override
  public Map<Object, Object> getAll(Iterable<?> keys) {
    Map<Object, Object> found = new LinkedHashMap<>();
    keys.forEach(
        k -> {
          Object v = map.get(k);
          if (v != null) {
            found.put(k, v);
          }
        });
    return found;
  }

  @Override
  public void put(Object key, Object value) {
    map.put(key, value);
  }

  @Override
  public void invalidate(Object key) {
    map.remove(key);
  }

  @Override
  public void invalidateAll() {
    invalidateAllCalls.incrementAndGet();
    map.clear();
  }

  @Override
  public CacheStats stats() {
    return new StatsRecorder(name, tiers().names()).snapshot();
  }

  @Override
  public long l0Size() {
    return map.size();
  }

  @Override
  public CompletableFuture<@Nullable Object> getAsync(Object key) {
    return CompletableFuture.supplyAsync(() -> get(key));
  }

  @Override
  public CompletableFuture<@Nullable Object> getAsync(
      Object key, Function<? super Object, ? extends @Nullable Object> loader) {
    return CompletableFuture.supplyAsync(() -> get(key, loader));
  }

  @Override
  public CompletableFuture<@Nullable Object> getIfPresentAsync(Object key) {
    return CompletableFuture.completedFuture(getIfPresent(key));
  }

  @Override
  public CompletableFuture<Map<Object, Object>> getAllAsync(Iterable<?> keys) {
    return CompletableFuture.completedFuture(getAll(keys));
  }

  @Override
  public CompletableFuture<Void> putAsync(Object key, Object value) {
    put(key, value);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> invalidateAsync(Object key) {
    invalidate(key);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> invalidateAllAsync() {
    invalidateAll();
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void close() {}
}
