package io.github.tieredcache.spring.boot.actuate;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.tieredcache.Tier;
import io.github.tieredcache.TieredCache;
import io.github.tieredcache.resilience.ResilientTierStore;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spring.boot.cache.TieredCacheManager;
import io.github.tieredcache.spring.boot.cache.TieredSpringCache;
import io.github.tieredcache.spring.boot.store.NamedTierStore;
import io.github.tieredcache.spring.boot.store.TierStores;
import io.github.tieredcache.stats.CacheStats;
import io.github.tieredcache.stats.TierStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code tieredcache} actuator endpoint: the caches of a {@link TieredCacheManager} with their
 * tiers, per-tier hits, misses and hit ratios, L0 size and the state of their stores' circuit
 * breakers; and a delete operation that clears one cache in every tier and instance.
 *
 * <p>{@code GET /actuator/tieredcache} lists every cache, {@code GET /actuator/tieredcache/{name}}
 * one, {@code DELETE /actuator/tieredcache/{name}} clears one and answers whether it is {@code
 * cleared} or, while Redis fails, {@code queued} (see {@link #clear}). An unknown cache is 404.
 */
@Endpoint(id = "tieredcache")
public class TieredCacheEndpoint {

  /** How long {@link #clear} waits for the clear to be done before it answers {@code queued}. */
  public static final Duration CLEAR_WAIT = Duration.ofSeconds(2);

  private final TieredCacheManager cacheManager;
  private final TierStores stores;

  /** Creates the endpoint. */
  public TieredCacheEndpoint(TieredCacheManager cacheManager, TierStores stores) {
    this.cacheManager = Objects.requireNonNull(cacheManager, "cacheManager");
    this.stores = Objects.requireNonNull(stores, "stores");
  }

  /** Returns every cache and store. */
  @ReadOperation
  public CachesDescriptor caches() {
    Map<String, CacheDescriptor> caches = new LinkedHashMap<>();
    cacheManager.getCaches().stream()
        .sorted(Comparator.comparing(TieredSpringCache::getName))
        .forEach(cache -> caches.put(cache.getName(), describe(cache)));
    Map<String, StoreDescriptor> storeDescriptors = new LinkedHashMap<>();
    for (NamedTierStore store : stores.all()) {
      storeDescriptors.put(store.name(), describe(store));
    }
    return new CachesDescriptor(caches, storeDescriptors);
  }

  /** Returns the cache called {@code name}, or {@code null} (404) if there is none. */
  @ReadOperation
  public @Nullable CacheDescriptor cache(@Selector String name) {
    TieredSpringCache cache = cacheManager.getExistingCache(name);
    return cache == null ? null : describe(cache);
  }

  /**
   * Removes every entry of the cache called {@code name} from every tier, here and in the other
   * instances. Answers 404 ({@code null}) when there is no such cache; otherwise whether the clear
   * is done ({@code cleared}) or, with Redis failing, {@code queued}: this instance's L0 is cleared
   * at once, and the remote clear waits in the store's backlog and runs when Redis answers again
   * (until then, reads of the cache skip Redis and load). Waits at most {@link #CLEAR_WAIT}.
   */
  @DeleteOperation
  public @Nullable ClearDescriptor clear(@Selector String name) {
    TieredSpringCache springCache = cacheManager.getExistingCache(name);
    if (springCache == null) {
      return null;
    }
    TieredCache<Object, Object> cache = springCache.getNativeCache();
    CompletableFuture<Void> clear = cache.invalidateAllAsync();
    boolean done;
    try {
      clear.get(CLEAR_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      done = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      done = false;
    } catch (ExecutionException | TimeoutException e) {
      done = false;
    }
    int pending = 0;
    for (TierStore store : storesOf(springCache)) {
      if (store instanceof ResilientTierStore resilient) {
        pending += resilient.pendingInvalidations();
      }
    }
    if (done && pending == 0) {
      return new ClearDescriptor(name, "cleared", "every tier, in every instance");
    }
    return new ClearDescriptor(
        name,
        "queued",
        "this instance's L0 is cleared; Redis does not answer, so the clear of the remote tiers"
            + " waits and runs when it answers again, and the other instances drop their L0 then"
            + " (or within the cache's staleness bound)");
  }

  private List<TierStore> storesOf(TieredSpringCache springCache) {
    List<TierStore> all = new ArrayList<>();
    try {
      all.add(stores.get(springCache.getStoreName()).store());
    } catch (IllegalArgumentException e) {
      // a cache of a custom manager may name a store the starter does not know
    }
    for (Tier tier : springCache.getNativeCache().tiers()) {
      if (tier.store() != null && !all.contains(tier.store())) {
        all.add(tier.store());
      }
    }
    return all;
  }

  private CacheDescriptor describe(TieredSpringCache springCache) {
    TieredCache<Object, Object> cache = springCache.getNativeCache();
    CacheStats stats = cache.stats();
    List<TierDescriptor> tiers = new ArrayList<>();
    TierStats l0 = stats.tier("l0").orElse(new TierStats("l0", 0, 0, 0));
    tiers.add(
        new TierDescriptor(
            "l0",
            null,
            null,
            null,
            null,
            l0.hits(),
            l0.misses(),
            l0.hitRatio(),
            stats.servedShare("l0")));
    for (Tier tier : cache.tiers()) {
      TierStats t = stats.tier(tier.name()).orElse(new TierStats(tier.name(), 0, 0, 0));
      String store =
          tier.store() == null
              ? springCache.getStoreName()
              : stores.nameOf(tier.store()).orElse("custom");
      tiers.add(
          new TierDescriptor(
              tier.name(),
              store,
              text(tier.ttl()),
              text(tier.maxAge()),
              text(tier.staleWindow()),
              t.hits(),
              t.misses(),
              t.hitRatio(),
              stats.servedShare(tier.name())));
    }
    return new CacheDescriptor(
        cache.name(),
        springCache.getStoreName(),
        breakerState(springCache.getStoreName()),
        springCache.isAllowNullValues(),
        cache.local().estimatedSize(),
        stats.requests(),
        stats.hitRatio(),
        stats.loadSuccesses(),
        stats.loadFailures(),
        stats.puts(),
        stats.promotions(),
        stats.decodeErrors(),
        stats.remoteErrors(),
        tiers);
  }

  private static @Nullable String text(@Nullable Duration duration) {
    return duration == null ? null : duration.toString();
  }

  private @Nullable String breakerState(String storeName) {
    try {
      CircuitBreaker breaker = stores.get(storeName).circuitBreaker();
      return breaker == null ? null : breaker.getState().name();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static StoreDescriptor describe(NamedTierStore store) {
    CircuitBreaker breaker = store.circuitBreaker();
    return new StoreDescriptor(
        store.description(),
        breaker == null ? null : breaker.getState().name(),
        breaker == null ? null : breaker.getMetrics().getFailureRate());
  }

  /**
   * The answer of a clear.
   *
   * @param cache the cache's name
   * @param status {@code cleared}, or {@code queued} while Redis does not answer
   * @param detail what the status means
   */
  public record ClearDescriptor(String cache, String status, String detail)
      implements OperationResponseBody {}

  /**
   * Every cache and store.
   *
   * @param caches the caches by name
   * @param stores the stores by name
   */
  public record CachesDescriptor(
      Map<String, CacheDescriptor> caches, Map<String, StoreDescriptor> stores)
      implements OperationResponseBody {}

  /**
   * One cache.
   *
   * @param name the cache's name
   * @param store the store of its tiers that name none
   * @param circuitBreaker that store's breaker state, or {@code null} without one
   * @param allowNullValues whether nulls are cached
   * @param l0Size entries in this instance's L0
   * @param requests reads answered
   * @param hitRatio the share of reads answered by any tier
   * @param loadSuccesses loader calls that returned
   * @param loadFailures loader calls that threw
   * @param puts values written
   * @param promotions promotions written, keyed {@code from->to}
   * @param decodeErrors copies that did not decode
   * @param remoteErrors remote operations that failed
   * @param tiers {@code l0} and the remote tiers, hottest first
   */
  public record CacheDescriptor(
      String name,
      String store,
      @Nullable String circuitBreaker,
      boolean allowNullValues,
      long l0Size,
      long requests,
      double hitRatio,
      long loadSuccesses,
      long loadFailures,
      long puts,
      Map<String, Long> promotions,
      long decodeErrors,
      long remoteErrors,
      List<TierDescriptor> tiers)
      implements OperationResponseBody {}

  /**
   * One tier of a cache.
   *
   * @param name the tier's name ({@code l0} for the in-process tier)
   * @param store the tier's store ({@code null} for the L0)
   * @param ttl how long a copy is fresh, ISO-8601 ({@code null} for the L0)
   * @param maxAge the age bound, ISO-8601, if any
   * @param staleWindow the stale window, ISO-8601 ({@code null} for the L0)
   * @param hits lookups this tier answered
   * @param misses lookups that reached this tier and went on
   * @param hitRatio {@code hits / (hits + misses)}
   * @param servedShare the share of all reads this tier answered
   */
  public record TierDescriptor(
      String name,
      @Nullable String store,
      @Nullable String ttl,
      @Nullable String maxAge,
      @Nullable String staleWindow,
      long hits,
      long misses,
      double hitRatio,
      double servedShare) {}

  /**
   * One store.
   *
   * @param description what the store is
   * @param circuitBreaker its breaker's state, or {@code null} without one
   * @param failureRate its breaker's failure rate in percent (-1 until enough calls), or {@code
   *     null}
   */
  public record StoreDescriptor(
      String description, @Nullable String circuitBreaker, @Nullable Float failureRate) {}
}
