package io.github.tieredcache.internal;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.tieredcache.AsyncBulkLoader;
import io.github.tieredcache.AsyncLoader;
import io.github.tieredcache.LocalTier;
import io.github.tieredcache.TieredCache;
import io.github.tieredcache.Tiers;
import io.github.tieredcache.stats.CacheStats;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TieredCache} the builder makes: a facade that wires the mechanisms together and holds
 * none of its own.
 *
 * <ul>
 *   <li>{@link L0}: the in-process tier, its lifetime bound and its invalidation stripes;
 *   <li>{@link RemoteTiers}: the remote tiers grouped per store, asked in parallel;
 *   <li>{@link Copies}: envelopes, codec and jitter, and which copy of a read serves;
 *   <li>{@link Loads}: the single-flight map, the loaders, the write-back;
 *   <li>{@link Reads}: the read path after an L0 miss, for every read method;
 *   <li>{@link Coherence}: put, invalidate, and the messages between instances.
 * </ul>
 *
 * <p><b>Blocking methods are views.</b> Each checks the L0 on the calling thread (a hit touches no
 * future), then runs the same asynchronous read as its twin with a {@link CallerRuns} executor in
 * place of the cache's, and waits on it: the loader, if one runs, runs on the calling thread. So
 * there is one read path, and a blocking caller's loader never runs on another thread.
 *
 * <p>Thread-safe.
 */
final class DefaultTieredCache<K, V> implements TieredCache<K, V> {

  private static final Logger log = LoggerFactory.getLogger(DefaultTieredCache.class);

  private final String name;
  private final Tiers tiers;
  private final Executor executor;
  private final StatsRecorder stats;
  private final L0<K> l0;
  private final Reads<K, V> reads;
  private final BulkReads<K, V> bulkReads;
  private final Coherence<K, V> coherence;
  private final @Nullable AsyncLoader<? super K, V> loader;
  private final @Nullable AsyncBulkLoader<? super K, V> bulkLoader;
  private final @Nullable CacheMeters meters;
  private final AutoCloseable subscription;
  private final @Nullable Periodic heartbeats;
  private final boolean coarse;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final LocalTier<K> local = new Local();
  private final LoadTimeouts timeouts;

  DefaultTieredCache(CacheConfig<K, V> c) {
    this.name = c.name();
    this.tiers = c.tiers();
    this.executor = c.executor();
    this.stats = new StatsRecorder(name, tiers.names());
    this.bulkLoader = c.bulkLoader();
    this.loader = c.loader() != null ? c.loader() : singleFrom(c.bulkLoader());
    this.coarse = c.ticker() == Ticker.systemTicker();
    Ticker ticker = coarse ? CoarseTicker.INSTANCE.acquire() : c.ticker();
    try {
      Clock clock = c.clock() != null ? c.clock() : coarse ? Clock.systemUTC() : clockOf(ticker);
      RandomGenerator random = c.random() != null ? c.random() : new ThreadLocalGenerator();
      this.l0 =
          c.l0Enabled()
              ? L0.bounded(
                  c.l0MaximumSize(),
                  c.l0MaximumWeight(),
                  c.l0Weigher(),
                  c.l0ExpireAfterWrite().toNanos(),
                  ticker,
                  executor,
                  stats)
              : L0.disabled(ticker, stats);
      RemoteTiers remote = new RemoteTiers(name, tiers, c.store(), c.generationRetention(), stats);
      Copies<K, V> copies =
          new Copies<>(
              name,
              tiers,
              c.placement(),
              c.defaultTier(),
              c.valueCodec(),
              c.absentTtl(),
              c.ttlJitter(),
              random,
              c.maxRemoteValueBytes(),
              stats,
              c.freshness().isByInvalidation(),
              c.staleOnError());
      Trust trust = new Trust(name, c.freshness(), clock, stats);
      remote.onFailure(trust::onRemoteFailure);
      Admissions admissions = new Admissions(tiers);
      stats.admissionSketchBytes(admissions.bytes());
      String instanceId = UUID.randomUUID().toString();
      Scheduler scheduler = c.scheduler() != null ? c.scheduler() : Scheduler.systemScheduler();
      Leases<K> leases =
          new Leases<>(
              c.loadLease().isZero() ? null : c.loadLease(), remote, instanceId, scheduler, stats);
      EarlyRefresh early = new EarlyRefresh(c.earlyRefresh(), tiers, random, ticker);
      this.timeouts =
          new LoadTimeouts(
              name, c.softLoadTimeout(), c.hardLoadTimeout(), scheduler, copies, stats);
      Loads<K, V> loads =
          new Loads<>(
              name,
              copies,
              remote,
              l0,
              clock,
              executor,
              stats,
              trust,
              admissions,
              leases,
              early,
              new LoaderCalls<>(executor, stats, early),
              timeouts);
      this.reads =
          new Reads<>(
              name,
              tiers,
              c.keyCodec(),
              c.promotion(),
              l0,
              remote,
              copies,
              loads,
              leases,
              early,
              clock,
              ticker,
              stats,
              trust,
              loader);
      this.bulkReads =
          new BulkReads<>(reads, c.keyCodec(), l0, remote, loads, clock, stats, loader);
      this.coherence =
          new Coherence<>(
              name,
              instanceId,
              c.keyCodec(),
              copies,
              remote,
              l0,
              loads,
              leases,
              clock,
              stats,
              trust);
      this.meters =
          c.meterRegistry() == null
              ? null
              : CacheMeters.bind(c.meterRegistry(), stats, l0::estimatedSize, c.meterTags());
      remote.timeWith(meters == null ? null : meters.remoteLatency());
      trust.clearWith(coherence::clearLocally);
      this.subscription = remote.subscribe(coherence);
      Coherence<K, V> messages = this.coherence;
      this.heartbeats =
          c.freshness().isByInvalidation()
              ? Periodic.every(
                  c.scheduler(),
                  c.freshness().heartbeatInterval(),
                  () -> {
                    messages.heartbeat();
                    trust.tick();
                  })
              : null;
    } catch (RuntimeException e) {
      if (coarse) {
        CoarseTicker.INSTANCE.release();
      }
      throw e;
    }
  }

  // ----------------------------------------------------------------------------- blocking

  @Override
  public @Nullable V get(K key) {
    Objects.requireNonNull(key, "key");
    Object hit = l0.get(key);
    if (hit != null) {
      return Values.unwrap(hit);
    }
    return load(key, requireLoader());
  }

  @Override
  public @Nullable V get(K key, Function<? super K, ? extends @Nullable V> loader) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(loader, "loader");
    Object hit = l0.get(key);
    if (hit != null) {
      return Values.unwrap(hit);
    }
    return load(key, (k, e) -> CompletableFuture.completedFuture(loader.apply(k)));
  }

  /**
   * A blocking load runs the loader on the calling thread, but under load timeouts on the cache's
   * executor, so the caller can stop waiting for it.
   */
  private @Nullable V load(K key, AsyncLoader<? super K, ?> loader) {
    CallerRuns caller = new CallerRuns();
    Executor where = timeouts.enabled() ? executor : caller;
    return Values.unwrap(caller.await(reads.get(key, loader, where)));
  }

  @Override
  public @Nullable V getIfPresent(K key) {
    Objects.requireNonNull(key, "key");
    Object hit = l0.get(key);
    if (hit != null) {
      return Values.unwrap(hit);
    }
    return Values.unwrap(CallerRuns.join(reads.getIfPresent(key)));
  }

  @Override
  public Map<K, V> getAll(Iterable<? extends K> keys) {
    Objects.requireNonNull(keys, "keys");
    CallerRuns caller = new CallerRuns();
    return caller.await(bulkReads.getAll(keys, bulkLoader, loader, caller));
  }

  @Override
  public Map<K, V> getAll(
      Iterable<? extends K> keys,
      Function<? super Set<? extends K>, ? extends Map<? extends K, ? extends V>> bulkLoader) {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(bulkLoader, "bulkLoader");
    CallerRuns caller = new CallerRuns();
    AsyncBulkLoader<K, V> bulk = (k, e) -> CompletableFuture.completedFuture(bulkLoader.apply(k));
    return caller.await(bulkReads.getAll(keys, bulk, loader, caller));
  }

  @Override
  public void put(K key, V value) {
    CallerRuns.join(putAsync(key, value));
  }

  @Override
  public void invalidate(K key) {
    CallerRuns.join(invalidateAsync(key));
  }

  @Override
  public void invalidateAll() {
    CallerRuns.join(invalidateAllAsync());
  }

  // -------------------------------------------------------------------------- asynchronous

  @Override
  public CompletableFuture<@Nullable V> getAsync(K key) {
    Objects.requireNonNull(key, "key");
    return loadAsync(key, requireLoader());
  }

  @Override
  public CompletableFuture<@Nullable V> getAsync(
      K key, Function<? super K, ? extends @Nullable V> loader) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(loader, "loader");
    return loadAsync(key, (k, e) -> CompletableFuture.completedFuture(loader.apply(k)));
  }

  @Override
  public CompletableFuture<@Nullable V> getAsync(K key, AsyncLoader<? super K, V> loader) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(loader, "loader");
    return loadAsync(key, loader);
  }

  private CompletableFuture<@Nullable V> loadAsync(K key, AsyncLoader<? super K, ?> loader) {
    Object hit = l0.get(key);
    if (hit != null) {
      return CompletableFuture.completedFuture(Values.unwrap(hit));
    }
    return reads.get(key, loader, executor).thenApply(Values::unwrap);
  }

  @Override
  public CompletableFuture<@Nullable V> getIfPresentAsync(K key) {
    Objects.requireNonNull(key, "key");
    Object hit = l0.get(key);
    if (hit != null) {
      return CompletableFuture.completedFuture(Values.unwrap(hit));
    }
    return failing(() -> reads.getIfPresent(key)).thenApply(Values::unwrap);
  }

  @Override
  public CompletableFuture<Map<K, V>> getAllAsync(Iterable<? extends K> keys) {
    Objects.requireNonNull(keys, "keys");
    return failing(() -> bulkReads.getAll(keys, bulkLoader, loader, executor));
  }

  @Override
  public CompletableFuture<Map<K, V>> getAllAsync(
      Iterable<? extends K> keys, AsyncBulkLoader<? super K, V> bulkLoader) {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(bulkLoader, "bulkLoader");
    return failing(() -> bulkReads.getAll(keys, bulkLoader, loader, executor));
  }

  @Override
  public CompletableFuture<Void> putAsync(K key, V value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    return failing(() -> coherence.put(key, value));
  }

  @Override
  public CompletableFuture<Void> invalidateAsync(K key) {
    Objects.requireNonNull(key, "key");
    return failing(() -> coherence.invalidate(key));
  }

  @Override
  public CompletableFuture<Void> invalidateAllAsync() {
    return coherence.invalidateAll();
  }

  /**
   * Runs {@code call}, turning what it throws (a key or value its codec refuses) into a failure.
   */
  private static <T> CompletableFuture<T> failing(Supplier<CompletableFuture<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  // ------------------------------------------------------------------------------- the rest

  @Override
  public String name() {
    return name;
  }

  @Override
  public Tiers tiers() {
    return tiers;
  }

  @Override
  public CacheStats stats() {
    return stats.snapshot();
  }

  @Override
  public LocalTier<K> local() {
    return local;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      subscription.close();
    } catch (Exception e) {
      log.debug("cache '{}': closing the invalidation subscription failed", name, e);
    }
    if (heartbeats != null) {
      heartbeats.stop();
    }
    if (meters != null) {
      meters.close();
    }
    if (coarse) {
      CoarseTicker.INSTANCE.release();
    }
  }

  @Override
  public String toString() {
    return "TieredCache["
        + name
        + ", tiers="
        + tiers.names()
        + ", l0="
        + (l0.enabled() ? l0.estimatedSize() : "off")
        + "]";
  }

  private AsyncLoader<? super K, ?> requireLoader() {
    AsyncLoader<? super K, ?> l = loader;
    if (l == null) {
      throw new IllegalStateException(
          "cache '"
              + name
              + "' has no loader: set TieredCacheBuilder.loader(...) or call get(key, loader)");
    }
    return l;
  }

  /** A loader of one key through a bulk loader, for caches that have only the latter. */
  private static <K, V> @Nullable AsyncLoader<? super K, V> singleFrom(
      @Nullable AsyncBulkLoader<? super K, V> bulk) {
    if (bulk == null) {
      return null;
    }
    return (key, executor) ->
        bulk.loadAll(Set.of(key), executor)
            .thenApply(found -> found == null ? null : found.get(key));
  }

  /** A wall clock that starts at the system time and then moves only with {@code ticker}. */
  private static Clock clockOf(Ticker ticker) {
    long wallAtStart = System.currentTimeMillis();
    long tickerAtStart = ticker.read();
    return new Clock() {
      @Override
      public long millis() {
        return wallAtStart + TimeUnit.NANOSECONDS.toMillis(ticker.read() - tickerAtStart);
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(millis());
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the cache's clock has no zone to change");
      }
    };
  }

  /** Jitter's default source: each thread's own {@link ThreadLocalRandom}. */
  private static final class ThreadLocalGenerator implements RandomGenerator {
    @Override
    public long nextLong() {
      return ThreadLocalRandom.current().nextLong();
    }

    @Override
    public double nextDouble() {
      return ThreadLocalRandom.current().nextDouble();
    }
  }

  /** This instance's L0 on its own. */
  private final class Local implements LocalTier<K> {
    @Override
    public long estimatedSize() {
      return l0.estimatedSize();
    }

    @Override
    public void invalidate(K key) {
      coherence.invalidateLocally(Objects.requireNonNull(key, "key"));
    }

    @Override
    public void invalidateAll() {
      coherence.clearLocally();
    }

    @Override
    public void cleanUp() {
      l0.cleanUp();
    }
  }
}
