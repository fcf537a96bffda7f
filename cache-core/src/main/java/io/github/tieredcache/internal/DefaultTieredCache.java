package io.github.tieredcache.internal;

import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.Weigher;
import io.github.tieredcache.Placement;
import io.github.tieredcache.Promotion;
import io.github.tieredcache.TieredCache;
import io.github.tieredcache.Tiers;
import io.github.tieredcache.codec.KeyCodec;
import io.github.tieredcache.codec.ValueCodec;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.stats.CacheStats;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Work in progress. */
public final class DefaultTieredCache<K, V> implements TieredCache<K, V> {

  /** Everything the builder collected, checked. */
  public record Settings<K, V>(
      String name,
      Tiers tiers,
      Placement<K, V> placement,
      int defaultTier,
      Promotion<K> promotion,
      TierStore store,
      ValueCodec<V> valueCodec,
      KeyCodec<K> keyCodec,
      @Nullable Function<K, V> loader,
      @Nullable Function<Set<K>, Map<K, V>> bulkLoader,
      @Nullable Duration absentTtl,
      double ttlJitter,
      boolean l0Enabled,
      long l0MaximumSize,
      long l0MaximumWeight,
      @Nullable Weigher<K, V> l0Weigher,
      Duration l0ExpireAfterWrite,
      @Nullable MeterRegistry meterRegistry,
      Tags meterTags,
      Ticker ticker,
      Executor executor,
      Duration remoteTimeout,
      Duration generationRetention,
      int maxRemoteValueBytes,
      String instanceId) {}

  private final Settings<K, V> settings;

  public DefaultTieredCache(Settings<K, V> settings) {
    this.settings = settings;
  }

  @Override public String name() { return settings.name(); }
  @Override public Tiers tiers() { return settings.tiers(); }
  @Override public @Nullable V get(K key) { throw new UnsupportedOperationException("in progress"); }
  @Override public @Nullable V get(K key, Function<? super K, ? extends @Nullable V> loader) { throw new UnsupportedOperationException("in progress"); }
  @Override public @Nullable V getIfPresent(K key) { throw new UnsupportedOperationException("in progress"); }
  @Override public Map<K, V> getAll(Iterable<? extends K> keys) { throw new UnsupportedOperationException("in progress"); }
  @Override public void put(K key, V value) { throw new UnsupportedOperationException("in progress"); }
  @Override public void invalidate(K key) { throw new UnsupportedOperationException("in progress"); }
  @Override public void invalidateAll() { throw new UnsupportedOperationException("in progress"); }
  @Override public CacheStats stats() { throw new UnsupportedOperationException("in progress"); }
  @Override public long l0Size() { return 0; }
  @Override public CompletableFuture<@Nullable V> getAsync(K key) { throw new UnsupportedOperationException("in progress"); }
  @Override public CompletableFuture<@Nullable V> getAsync(K key, Function<? super K, ? extends @Nullable V> loader) { throw new UnsupportedOperationException("in progress"); }
  @Override public CompletableFuture<@Nullable V> getIfPresentAsync(K key) { throw new UnsupportedOperationException("in progress"); }
  @Override public CompletableFuture<Map<K, V>> getAllAsync(Iterable<? extends K> keys) { throw new UnsupportedOperationException("in progress"); }
  @Override public CompletableFuture<Void> putAsync(K key, V value) { throw new UnsupportedOperationException("in progress"); }
  @Override public CompletableFuture<Void> invalidateAsync(K key) { throw new UnsupportedOperationException("in progress"); }
  @Override public CompletableFuture<Void> invalidateAllAsync() { throw new UnsupportedOperationException("in progress"); }
  @Override public void close() {}
}
