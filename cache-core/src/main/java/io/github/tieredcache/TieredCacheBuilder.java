package io.github.tieredcache;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.Weigher;
import io.github.tieredcache.codec.KeyCodec;
import io.github.tieredcache.codec.ValueCodec;
import io.github.tieredcache.internal.CacheConfig;
import io.github.tieredcache.internal.TieredCaches;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.TierStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link TieredCache}. Every setter checks its argument at once and names it in the
 * exception; {@link #build()} checks the combination. A setting given twice keeps the last value,
 * so a framework's defaults can be overridden by a customizer.
 *
 * <p>Required: {@link #name}, {@link #store} and {@link #valueCodec}. Everything else has a
 * documented default ({@code DEFAULT_*}).
 *
 * <p>Not thread-safe; a built cache is.
 */
public final class TieredCacheBuilder<K, V> {

  /** L0 entries kept when no bound is set. */
  public static final long DEFAULT_L0_MAXIMUM_SIZE = 10_000;

  /** The longest an entry lives in the L0 when nothing else shortens it. */
  public static final Duration DEFAULT_L0_EXPIRE_AFTER_WRITE = Duration.ofSeconds(30);

  /** The share by which a TTL is randomly shortened, at most. */
  public static final double DEFAULT_TTL_JITTER = 0.05;

  /** The largest encoded value stored remotely; larger values live only in the L0. */
  public static final int DEFAULT_MAX_REMOTE_VALUE_BYTES = 1 << 20;

  /** How long a fleet-wide load lease lasts by default (see {@link #loadLease}). */
  public static final Duration DEFAULT_LOAD_LEASE = Duration.ofSeconds(1);

  // Collected here, checked, and handed to the implementation as one CacheConfig by build().
  private @Nullable String name;
  private @Nullable Tiers tiers;
  private Freshness freshness = Freshness.byTtl();
  private @Nullable Placement<? super K, ? super V> placement;
  private @Nullable String defaultTier;
  private @Nullable Promotion<? super K> promotion;
  private @Nullable TierStore store;
  private @Nullable ValueCodec<V> valueCodec;
  private KeyCodec<K> keyCodec = KeyCodec.string();
  private @Nullable AsyncLoader<? super K, V> loader;
  private @Nullable AsyncBulkLoader<? super K, V> bulkLoader;
  private @Nullable Duration absentTtl;
  private double ttlJitter = DEFAULT_TTL_JITTER;
  private boolean l0Enabled = true;
  private long l0MaximumSize = DEFAULT_L0_MAXIMUM_SIZE;
  private long l0MaximumWeight = -1;
  private @Nullable Weigher<? super K, ? super V> l0Weigher;
  private Duration l0ExpireAfterWrite = DEFAULT_L0_EXPIRE_AFTER_WRITE;
  private @Nullable MeterRegistry meterRegistry;
  private Tags meterTags = Tags.empty();
  private Ticker ticker = Ticker.systemTicker();
  private @Nullable Clock clock;
  private @Nullable RandomGenerator random;
  private Executor executor = ForkJoinPool.commonPool();
  private @Nullable Scheduler scheduler;
  private Duration generationRetention = Namespace.DEFAULT_GENERATION_RETENTION;
  private int maxRemoteValueBytes = DEFAULT_MAX_REMOTE_VALUE_BYTES;
  private Duration staleOnError = Duration.ZERO;
  private Duration loadLease = DEFAULT_LOAD_LEASE;
  private double earlyRefresh;
  private Duration softLoadTimeout = Duration.ZERO;
  private Duration hardLoadTimeout = Duration.ZERO;

  TieredCacheBuilder() {}

  /** Sets the cache's name: 1 to 64 letters, digits, {@code . _ -}. Required. */
  public TieredCacheBuilder<K, V> name(String name) {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(
          "name must be 1 to 64 letters, digits, '.', '_' or '-': '" + name + "'");
    }
    this.name = name;
    return this;
  }

  /**
   * Sets the remote tiers, hottest first. Default: {@link Tiers#hotWarmCold()}, or {@link
   * Tiers#forInvalidation()} for freshness by invalidation.
   */
  public TieredCacheBuilder<K, V> tiers(Tiers tiers) {
    this.tiers = Objects.requireNonNull(tiers, "tiers");
    return this;
  }

  /** Sets the remote tiers, hottest first; see {@link Tiers#of(Tier...)}. */
  public TieredCacheBuilder<K, V> tiers(Tier... tiers) {
    return tiers(Tiers.of(tiers));
  }

  /**
   * Sets how the cache keeps what it serves fresh: {@link Freshness#byTtl()} (the default) or
   * {@link Freshness#byInvalidation(Duration)}; see {@link Freshness}.
   */
  public TieredCacheBuilder<K, V> freshness(Freshness freshness) {
    this.freshness = Objects.requireNonNull(freshness, "freshness");
    return this;
  }

  /** Places values by age: shorthand for {@code placement(Placement.byAge(ageOf))}. */
  public TieredCacheBuilder<K, V> ageOf(Function<? super V, Instant> ageOf) {
    this.placement = Placement.byAge(Objects.requireNonNull(ageOf, "ageOf"));
    return this;
  }

  /** Sets a custom placement. Default: every value in the {@link #defaultTier}. */
  public TieredCacheBuilder<K, V> placement(Placement<? super K, ? super V> placement) {
    this.placement = Objects.requireNonNull(placement, "placement");
    return this;
  }

  /**
   * Sets the tier used when no placement is set, and for cached absent values. Default: the hottest
   * tier.
   */
  public TieredCacheBuilder<K, V> defaultTier(String tierName) {
    this.defaultTier = Objects.requireNonNull(tierName, "defaultTier");
    return this;
  }

  /**
   * Sets the promotion policy. Default, chosen on the effectiveness report's post trace (see {@code
   * benchmarks/RESULTS-effectiveness.md}): under freshness by invalidation {@link
   * Promotion#warmToHot()} {@linkplain Promotion#moving() moving}, whose promoted copy lives the
   * hot tier's TTL from the promotion (as many database reads as copying, a copy fewer; without
   * promotion, more reads); under freshness by TTL {@link Promotion#never()}, since a promoted copy
   * keeps its warm copy's freshness and every tier on one store is read in the same round trip (as
   * many reads as copying, a copy fewer; moving, more reads). Promote explicitly when the hot tier
   * is on a faster store of its own ({@link Tier#store}).
   */
  public TieredCacheBuilder<K, V> promotion(Promotion<? super K> promotion) {
    this.promotion = Objects.requireNonNull(promotion, "promotion");
    return this;
  }

  /** Sets the store of the remote tiers (a tier may name its own). Required. */
  public TieredCacheBuilder<K, V> store(TierStore store) {
    this.store = Objects.requireNonNull(store, "store");
    return this;
  }

  /** Sets the value codec. Required. */
  public TieredCacheBuilder<K, V> valueCodec(ValueCodec<V> valueCodec) {
    this.valueCodec = Objects.requireNonNull(valueCodec, "valueCodec");
    return this;
  }

  /** Sets the key codec. Default: {@link KeyCodec#string()}. */
  public TieredCacheBuilder<K, V> keyCodec(KeyCodec<K> keyCodec) {
    this.keyCodec = Objects.requireNonNull(keyCodec, "keyCodec");
    return this;
  }

  /**
   * Sets the loader {@link TieredCache#get(Object)} and {@link TieredCache#getAsync(Object)} use
   * (and background refreshes): on the calling thread for the blocking methods, on the executor for
   * the asynchronous ones and refreshes. Replaces an {@link #asyncLoader}.
   */
  public TieredCacheBuilder<K, V> loader(Function<? super K, ? extends @Nullable V> loader) {
    Objects.requireNonNull(loader, "loader");
    this.loader = (key, executor) -> CompletableFuture.completedFuture(loader.apply(key));
    return this;
  }

  /**
   * Sets an asynchronous loader in place of a {@link #loader}: called through the executor (the
   * calling thread for the blocking methods), it returns the value's future.
   */
  public TieredCacheBuilder<K, V> asyncLoader(AsyncLoader<? super K, V> loader) {
    this.loader = Objects.requireNonNull(loader, "asyncLoader");
    return this;
  }

  /**
   * Sets the bulk loader {@link TieredCache#getAll} uses for the keys it misses: one call with all
   * of them; keys missing from its answer are absent. Replaces an {@link #asyncBulkLoader}.
   */
  public TieredCacheBuilder<K, V> bulkLoader(
      Function<? super Set<? extends K>, ? extends Map<? extends K, ? extends V>> bulkLoader) {
    Objects.requireNonNull(bulkLoader, "bulkLoader");
    this.bulkLoader = (keys, executor) -> CompletableFuture.completedFuture(bulkLoader.apply(keys));
    return this;
  }

  /** Sets an asynchronous bulk loader in place of a {@link #bulkLoader}. */
  public TieredCacheBuilder<K, V> asyncBulkLoader(AsyncBulkLoader<? super K, V> bulkLoader) {
    this.bulkLoader = Objects.requireNonNull(bulkLoader, "asyncBulkLoader");
    return this;
  }

  /** Caches a loader's {@code null} as absent for {@code ttl}. Default: absence is not cached. */
  public TieredCacheBuilder<K, V> absentTtl(Duration ttl) {
    Tier.requirePositive("absentTtl", ttl);
    this.absentTtl = ttl;
    return this;
  }

  /**
   * Shortens each TTL written by a random share up to {@code fraction}, so a burst of loads does
   * not expire as a burst. Between 0 and 0.5. Default: {@value #DEFAULT_TTL_JITTER}.
   */
  public TieredCacheBuilder<K, V> ttlJitter(double fraction) {
    if (!(fraction >= 0.0 && fraction <= 0.5)) {
      throw new IllegalArgumentException("ttlJitter must be between 0 and 0.5: " + fraction);
    }
    this.ttlJitter = fraction;
    return this;
  }

  /** Bounds the L0 by entry count. Default: {@value #DEFAULT_L0_MAXIMUM_SIZE}. */
  public TieredCacheBuilder<K, V> l0MaximumSize(long maximumSize) {
    if (maximumSize <= 0) {
      throw new IllegalArgumentException("l0MaximumSize must be positive: " + maximumSize);
    }
    this.l0MaximumSize = maximumSize;
    this.l0MaximumWeight = -1;
    this.l0Weigher = null;
    return this;
  }

  /** Bounds the L0 by total weight, as {@code weigher} weighs entries. */
  public TieredCacheBuilder<K, V> l0MaximumWeight(
      long maximumWeight, Weigher<? super K, ? super V> weigher) {
    if (maximumWeight <= 0) {
      throw new IllegalArgumentException("l0MaximumWeight must be positive: " + maximumWeight);
    }
    this.l0Weigher = Objects.requireNonNull(weigher, "weigher");
    this.l0MaximumWeight = maximumWeight;
    return this;
  }

  /**
   * Sets the longest an entry lives in the L0. An entry also never outlives its remote copy's
   * freshness. Default: 30 s.
   */
  public TieredCacheBuilder<K, V> l0ExpireAfterWrite(Duration duration) {
    Tier.requirePositive("l0ExpireAfterWrite", duration);
    this.l0ExpireAfterWrite = duration;
    return this;
  }

  /** Turns the L0 off: every read goes to the remote tiers. */
  public TieredCacheBuilder<K, V> l0Disabled() {
    this.l0Enabled = false;
    return this;
  }

  /** Binds the cache's meters to {@code registry}, with {@code tags} added to each. */
  public TieredCacheBuilder<K, V> meterRegistry(MeterRegistry registry, Iterable<Tag> tags) {
    this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
    this.meterTags = Tags.of(Objects.requireNonNull(tags, "tags"));
    return this;
  }

  /** Binds the cache's meters to {@code registry}. */
  public TieredCacheBuilder<K, V> meterRegistry(MeterRegistry registry) {
    return meterRegistry(registry, Tags.empty());
  }

  /**
   * Sets the source of elapsed time (nanoseconds): L0 lifetimes and the windows of {@link
   * Promotion#afterHits}. Default: the system ticker, read on an L0 hit through a clock refreshed
   * every millisecond by one daemon thread (a hit then reads no clock of its own; an L0 entry may
   * outlive its bound by about a millisecond).
   */
  public TieredCacheBuilder<K, V> ticker(Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    return this;
  }

  /**
   * Sets the wall clock: the instants written into stored copies (fresh-until, servable-until), the
   * judgement of copies read back, and the {@code now} that {@link Placement#place} receives, so
   * placement by age follows it. Default: {@link Clock#systemUTC()}; when only a {@link #ticker} is
   * set, a clock that starts at the system time at {@link #build()} and moves with the ticker, so a
   * fake ticker alone drives every notion of time.
   */
  public TieredCacheBuilder<K, V> clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * Sets the source of TTL jitter; it must be thread-safe ({@link java.util.Random} is), and a
   * seeded one makes jitter repeatable. Default: a thread-local random.
   */
  public TieredCacheBuilder<K, V> random(RandomGenerator random) {
    this.random = Objects.requireNonNull(random, "random");
    return this;
  }

  /**
   * Sets the executor for asynchronous loads and background refreshes. Default: the common
   * fork-join pool.
   */
  public TieredCacheBuilder<K, V> executor(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
    return this;
  }

  /**
   * Serves stale on error: when a load of a key fails, a copy of it past its freshness by at most
   * {@code maxStale} (and past its tier's stale window) is returned instead of the failure, and
   * counted ({@code stats().staleOnError()}, {@code cache.stale.on.error}); the failure is logged
   * at debug level. Nothing is cached: the next read asks the loader again. To have such copies,
   * the store keeps every copy this much longer than its TTL and stale window, which costs Redis
   * memory. Applies to the load of {@code get} and {@code getAsync}, not to the keys of {@code
   * getAll}. Under freshness by invalidation such a copy was never invalidated, so it is as current
   * as the last value written. Default: off ({@link Duration#ZERO}).
   */
  public TieredCacheBuilder<K, V> staleOnError(Duration maxStale) {
    Objects.requireNonNull(maxStale, "staleOnError");
    if (maxStale.isNegative()) {
      throw new IllegalArgumentException("staleOnError must not be negative: " + maxStale);
    }
    this.staleOnError = maxStale;
    return this;
  }

  /**
   * Bounds how long a read waits for its load. After {@code soft}, a read whose load is still
   * running is answered with a copy within the {@link #staleOnError} bound, if its read found one
   * (counted as {@code staleOnError}); after {@code hard}, it is answered with such a copy or fails
   * with a {@link LoadTimeoutException}, and the next read starts a load of its own. The load is
   * never cancelled: when it completes, its value is cached. With either set, a blocking {@code
   * get} runs its loader on the cache's {@link #executor}, not on the calling thread, so that the
   * caller can stop waiting. Applies to {@code get} and {@code getAsync}, not to the keys of {@code
   * getAll}. {@link Duration#ZERO} turns either off. Default: both off.
   *
   * @throws IllegalArgumentException if a timeout is negative, or both are set and {@code soft} is
   *     not shorter than {@code hard}
   */
  public TieredCacheBuilder<K, V> loadTimeouts(Duration soft, Duration hard) {
    Objects.requireNonNull(soft, "soft load timeout");
    Objects.requireNonNull(hard, "hard load timeout");
    if (soft.isNegative() || hard.isNegative()) {
      throw new IllegalArgumentException(
          "loadTimeouts must not be negative: soft " + soft + ", hard " + hard);
    }
    if (!soft.isZero() && !hard.isZero() && soft.compareTo(hard) >= 0) {
      throw new IllegalArgumentException(
          "loadTimeouts: the soft timeout ("
              + soft
              + ") must be shorter than the hard ("
              + hard
              + ")");
    }
    this.softLoadTimeout = soft;
    this.hardLoadTimeout = hard;
    return this;
  }

  /**
   * Takes a fleet-wide load lease on a miss (the memcache lease): when a key misses on several
   * instances at once, one of them loads it and the others wait for its copy instead of asking the
   * loader too. A read that missed asks the store of the hottest tier for the key's lease (one more
   * round trip, on Redis one small script); granted, it loads, and its write is fenced by the
   * lease's token; held by another instance, it waits until that instance's message says the copy
   * is written (or until the lease ends, at most {@code leaseTime}), reads the key again and serves
   * the copy, or loads it itself if there is none. A stale copy in its tier's stale window is
   * refreshed by one instance of the fleet, the others serving it meanwhile. A store that fails or
   * keeps no leases loads as without one. Applies to {@code get} and {@code getAsync}, not to the
   * keys of {@code getAll}. Waits are counted ({@code stats().leaseWaits()}, {@code
   * cache.lease.waits}).
   *
   * <p>{@code leaseTime} bounds how long a read waits for another instance's load: a read asks at
   * most twice (a wait that ended early, as a resubscription ends every wait, may find the holder
   * still loading), so it waits at most twice the lease time before it loads itself. It should
   * exceed the usual load time and stay below what a caller may wait; {@link Duration#ZERO} turns
   * leases off. Default: 1 second, chosen because a popular key expiring under 8 instances cost 1
   * load per expiry with it and 6 to 8 without ({@code LoadLeaseIT}), for one small script before
   * each load and one message after it.
   */
  public TieredCacheBuilder<K, V> loadLease(Duration leaseTime) {
    Objects.requireNonNull(leaseTime, "loadLease");
    if (leaseTime.isNegative()) {
      throw new IllegalArgumentException("loadLease must not be negative: " + leaseTime);
    }
    if (!leaseTime.isZero() && leaseTime.toMillis() < 1) {
      throw new IllegalArgumentException(
          "loadLease must be 0 (off) or at least 1 ms: " + leaseTime);
    }
    this.loadLease = leaseTime;
    return this;
  }

  /**
   * Refreshes popular keys early, by probabilistic early expiration (XFetch, Vattani et al., VLDB
   * 2015): a read of a fresh remote copy refreshes it in the background, while it keeps serving,
   * when {@code now - delta * beta * ln(random) >= freshUntil}, {@code delta} being how long this
   * cache's loads take (a moving average this instance measures). A key read often is thus reloaded
   * shortly before it expires, by about one instance (with the load lease, exactly one), and no
   * caller waits for its load. L0 entries end a random gap of the same law before their copy's
   * freshness, so the instances ask the remote tier at different moments before the expiry rather
   * than all at once after it. {@code beta} 1 is the paper's choice; larger refreshes earlier and
   * more often. Applies to {@code get} and {@code getAsync}. See also {@link Tier#refreshAhead},
   * the deterministic form per tier. Default: off (0).
   */
  public TieredCacheBuilder<K, V> earlyRefresh(double beta) {
    if (!(beta >= 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException(
          "earlyRefresh (beta) must be 0 (off) or positive: " + beta);
    }
    this.earlyRefresh = beta;
    return this;
  }

  /**
   * Sets what runs the periodic work of freshness by invalidation (the heartbeat and the judgement
   * of trust, every quarter of the bound), as Caffeine's {@link Scheduler} does for Caffeine. Give
   * it one that follows a fake {@link #ticker} to run a cache on virtual time: the trust judgement
   * reads the cache's clock, so heartbeats on real time would be hours apart on a virtual clock
   * that runs fast. Default: one daemon thread shared by every cache in the JVM.
   */
  public TieredCacheBuilder<K, V> scheduler(Scheduler scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /**
   * Sets how long a key's generation outlives its last invalidation; it must exceed the longest
   * load. Default: 5 minutes.
   */
  public TieredCacheBuilder<K, V> generationRetention(Duration retention) {
    Tier.requirePositive("generationRetention", retention);
    this.generationRetention = retention;
    return this;
  }

  /** Sets the largest encoded value stored remotely. Default: 1 MiB. */
  public TieredCacheBuilder<K, V> maxRemoteValueBytes(int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("maxRemoteValueBytes must be positive: " + bytes);
    }
    this.maxRemoteValueBytes = bytes;
    return this;
  }

  /**
   * Builds the cache and subscribes it to its invalidation messages.
   *
   * @throws NullPointerException if name, store or valueCodec is missing (the message names it)
   * @throws IllegalArgumentException if the default tier is not one of the tiers, or a soft load
   *     timeout is set without {@link #staleOnError} (it would have no copy to answer with)
   * @throws IllegalStateException if the meter registry already has a cache of this name and tags
   */
  public TieredCache<K, V> build() {
    Objects.requireNonNull(name, "name must be set");
    if (!softLoadTimeout.isZero() && staleOnError.isZero()) {
      throw new IllegalArgumentException(
          "loadTimeouts: a soft timeout answers with a copy kept by staleOnError, which is off;"
              + " set staleOnError, or only a hard timeout");
    }
    Objects.requireNonNull(
        store, "store must be set (new InMemoryTierStore() keeps the tiers in this process)");
    Objects.requireNonNull(
        valueCodec, "valueCodec must be set (for example JacksonValueCodec.of(MyValue.class))");
    Tiers tiers =
        this.tiers != null
            ? this.tiers
            : freshness.isByInvalidation() ? Tiers.forInvalidation() : Tiers.hotWarmCold();
    int defaultTierIndex = defaultTier == null ? 0 : indexOf(tiers, "defaultTier", defaultTier);
    Promotion<? super K> policy =
        promotion != null
            ? promotion
            : freshness.isByInvalidation() ? Promotion.warmToHot().moving() : Promotion.never();
    policy.check(tiers);
    @SuppressWarnings("unchecked")
    Placement<K, V> chosen =
        placement == null
            ? Placement.fixed(tiers.get(defaultTierIndex).name())
            : (Placement<K, V>) placement;
    @SuppressWarnings("unchecked")
    Promotion<K> promote = (Promotion<K>) policy;
    @SuppressWarnings("unchecked")
    Weigher<K, V> weigher = (Weigher<K, V>) l0Weigher;
    return TieredCaches.create(
        new CacheConfig<>(
            name,
            tiers,
            chosen,
            defaultTierIndex,
            promote,
            store,
            valueCodec,
            keyCodec,
            loader,
            bulkLoader,
            absentTtl,
            ttlJitter,
            random,
            l0Enabled,
            l0MaximumSize,
            l0MaximumWeight,
            weigher,
            l0ExpireAfterWrite,
            meterRegistry,
            meterTags,
            ticker,
            clock,
            executor,
            scheduler,
            generationRetention,
            maxRemoteValueBytes,
            staleOnError,
            softLoadTimeout,
            hardLoadTimeout,
            loadLease,
            earlyRefresh,
            freshness));
  }

  private static int indexOf(Tiers tiers, String setting, String tierName) {
    try {
      return tiers.indexOf(tierName);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
    }
  }
}
