package io.github.tieredcache.internal;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.Weigher;
import io.github.tieredcache.AsyncBulkLoader;
import io.github.tieredcache.AsyncLoader;
import io.github.tieredcache.Freshness;
import io.github.tieredcache.Placement;
import io.github.tieredcache.Promotion;
import io.github.tieredcache.Tiers;
import io.github.tieredcache.codec.KeyCodec;
import io.github.tieredcache.codec.ValueCodec;
import io.github.tieredcache.spi.TierStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Everything {@code TieredCacheBuilder} collected and checked, handed to {@link TieredCaches}.
 *
 * <p>Not API: this package is not exported by the module, and the type may change in any release.
 * Build caches with {@code TieredCache.builder()}.
 */
public record CacheConfig<K, V>(
    String name,
    Tiers tiers,
    Placement<K, V> placement,
    int defaultTier,
    Promotion<K> promotion,
    TierStore store,
    ValueCodec<V> valueCodec,
    KeyCodec<K> keyCodec,
    @Nullable AsyncLoader<? super K, V> loader,
    @Nullable AsyncBulkLoader<? super K, V> bulkLoader,
    @Nullable Duration absentTtl,
    double ttlJitter,
    @Nullable RandomGenerator random,
    boolean l0Enabled,
    long l0MaximumSize,
    long l0MaximumWeight,
    @Nullable Weigher<K, V> l0Weigher,
    Duration l0ExpireAfterWrite,
    @Nullable MeterRegistry meterRegistry,
    Tags meterTags,
    Ticker ticker,
    @Nullable Clock clock,
    Executor executor,
    @Nullable Scheduler scheduler,
    Duration generationRetention,
    int maxRemoteValueBytes,
    Duration staleOnError,
    Duration softLoadTimeout,
    Duration hardLoadTimeout,
    Duration loadLease,
    double earlyRefresh,
    Freshness freshness) {}
