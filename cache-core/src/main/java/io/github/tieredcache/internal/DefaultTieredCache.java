package io.github.tieredcache.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.Weigher;
import io.github.tieredcache.Placement;
import io.github.tieredcache.Promotion;
import io.github.tieredcache.Tier;
import io.github.tieredcache.TieredCache;
import io.github.tieredcache.Tiers;
import io.github.tieredcache.codec.KeyCodec;
import io.github.tieredcache.codec.ValueCodec;
import io.github.tieredcache.spi.Envelope;
import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.InvalidationListener;
import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spi.Write;
import io.github.tieredcache.stats.CacheMetrics;
import io.github.tieredcache.stats.CacheStats;
import io.github.tieredcache.stats.StatsRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TieredCache} the builder makes.
 *
 * <p><b>Read path.</b> L0 (Caffeine, variable expiry) → one remote read per store of every tier of
 * the key and its generation → the loader. A miss in the L0 joins the key's in-flight read in
 * {@link #inflight} if there is one, so concurrent callers share one remote read and one load; the
 * blocking methods run the loader on the caller's thread, the asynchronous ones on the executor.
 *
 * <p><b>Consistency.</b> Three mechanisms keep an invalidation final:
 *
 * <ol>
 *   <li>Remote: every load writes with {@link TierStore#writeIfGeneration} at the generation its
 *       read saw; {@code put}, {@code invalidate} and {@code invalidateAll} advance it first, so a
 *       load that started earlier cannot write its older value afterwards.
 *   <li>L0: an L0 fill checks, inside {@code compute} on the key, that the key's invalidation
 *       stripe in {@link #stripes} has not moved since the read began; an invalidation moves the
 *       stripe and then removes the key (also inside the map's lock). Either the fill lands first
 *       and the removal removes it, or the fill sees the moved stripe and gives up.
 *   <li>Single flight: an invalidation detaches the key's in-flight read, so a caller arriving
 *       after {@code invalidate} returns starts a new read rather than joining one that began
 *       before it.
 * </ol>
 *
 * <p><b>Failure.</b> Every remote call is bounded by the remote timeout; a failed or timed-out read
 * is a miss (and the load then writes nothing remotely, since the generation is unknown), a failed
 * write is counted and dropped (a {@code ResilientTierStore} around the store replays failed
 * invalidations when the store is back, and a failed put as a removal of its key, since by then a
 * newer value may have been written). Nothing the store does reaches the caller as an exception.
 *
 * <p><b>Stale while revalidate.</b> A copy past its fresh-until but before its servable-until is
 * returned at once; one background load per key ({@link #refreshing}) reloads it. Stale copies are
 * never put in the L0, so each read goes on seeing the stale copy until the refresh lands.
 */
public final class DefaultTieredCache<K, V> implements TieredCache<K, V> {

  private static final Logger log = LoggerFactory.getLogger(DefaultTieredCache.class);

  /** Stands for a cached absent value in the L0 and in flight. */
  private static final Object ABSENT = new Object();

  /** What a lookup that found nothing (and loaded nothing) completes with. */
  private static final Object NOT_FOUND = new Object();

  private static final int STRIPES = 1024;

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

  /** The tiers one store holds: its namespace and the cache-wide index of each of its tiers. */
  private record Group(TierStore store, Namespace namespace, int[] tiers) {}

  /** An L0 entry: the value (or {@link #ABSENT}) and the ticker reading it expires at. */
  private record L0Entry(Object value, long expiresAt) {}

  /** What the remote tiers answered for one key. */
  private record RemoteRead(int tier, byte @Nullable [] copy, long @Nullable [] generations) {
    boolean failed() {
      return generations == null;
    }
  }

  /** A copy that decoded: fresh or stale, with the instant it stops being fresh. */
  private record Found(
      Object value,
      boolean stale,
      long freshUntil,
      int tier,
      byte[] copy,
      @Nullable Envelope envelope) {}

  /**
   * No usable copy: none held, or one past its servable-until that the store has not dropped yet.
   */
  private static final Found MISS = new Found(NOT_FOUND, false, 0, -1, new byte[0], null);

  /** The copy did not decode and has been removed, which moved the key's generation. */
  private static final Found REMOVED = new Found(NOT_FOUND, false, 0, -1, new byte[0], null);

  private final Settings<K, V> settings;
  private final String name;
  private final Tiers tiers;
  private final KeyCodec<K> keyCodec;
  private final ValueCodec<V> valueCodec;
  private final Ticker ticker;
  private final Executor executor;
  private final long remoteTimeoutNanos;
  private final long l0BoundNanos;
  private final long wallOffsetMillis;
  private final boolean systemTicker;

  private final Group[] groups;
  private final int[] groupOfTier;
  private final int[] indexInGroup;

  private final @Nullable Cache<K, L0Entry> l0;
  private final ConcurrentHashMap<K, CompletableFuture<Object>> inflight =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<K, Boolean> refreshing = new ConcurrentHashMap<>();
  private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);

  private final StatsRecorder stats;
  private final @Nullable Timer remoteLatency;
  private final AutoCloseable subscription;
  private final AtomicBoolean oversizedWarned = new AtomicBoolean();

  public DefaultTieredCache(Settings<K, V> settings) {
    this.settings = settings;
    this.name = settings.name();
    this.tiers = settings.tiers();
    this.keyCodec = settings.keyCodec();
    this.valueCodec = settings.valueCodec();
    this.ticker = settings.ticker();
    this.executor = settings.executor();
    this.remoteTimeoutNanos = settings.remoteTimeout().toNanos();
    this.l0BoundNanos = settings.l0ExpireAfterWrite().toNanos();
    this.systemTicker = ticker == Ticker.systemTicker();
    this.wallOffsetMillis =
        System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(ticker.read());

    // Group tiers by store, keeping each group's tiers hottest first.
    Map<TierStore, List<Integer>> byStore = new IdentityHashMap<>();
    List<TierStore> order = new ArrayList<>();
    for (int i = 0; i < tiers.size(); i++) {
      Tier tier = tiers.get(i);
      TierStore store = tier.store() == null ? settings.store() : tier.store();
      if (!byStore.containsKey(store)) {
        order.add(store);
      }
      byStore.computeIfAbsent(store, s -> new ArrayList<>()).add(i);
    }
    this.groups = new Group[order.size()];
    this.groupOfTier = new int[tiers.size()];
    this.indexInGroup = new int[tiers.size()];
    for (int g = 0; g < order.size(); g++) {
      List<Integer> members = byStore.get(order.get(g));
      List<String> names = new ArrayList<>();
      int[] indexes = new int[members.size()];
      for (int j = 0; j < members.size(); j++) {
        int tier = members.get(j);
        indexes[j] = tier;
        names.add(tiers.get(tier).name());
        groupOfTier[tier] = g;
        indexInGroup[tier] = j;
      }
      groups[g] =
          new Group(
              order.get(g), new Namespace(name, names, settings.generationRetention()), indexes);
    }

    this.l0 = settings.l0Enabled() ? buildL0(settings) : null;
    this.stats = new StatsRecorder(name, tiers.names());
    this.remoteLatency =
        settings.meterRegistry() == null
            ? null
            : CacheMetrics.bind(
                settings.meterRegistry(), stats, this::l0Size, settings.meterTags());
    this.subscription = groups[0].store().subscribe(groups[0].namespace(), new Listener());
  }

  private Cache<K, L0Entry> buildL0(Settings<K, V> settings) {
    Caffeine<Object, Object> builder = Caffeine.newBuilder().ticker(ticker);
    if (settings.l0MaximumWeight() > 0) {
      Weigher<K, V> weigher = Objects.requireNonNull(settings.l0Weigher());
      builder.maximumWeight(settings.l0MaximumWeight());
      builder.weigher(
          (Object key, Object entry) -> {
            @SuppressWarnings("unchecked")
            K k = (K) key;
            Object value = ((L0Entry) entry).value();
            @SuppressWarnings("unchecked")
            V v = (V) value;
            return value == ABSENT ? 1 : weigher.weigh(k, v);
          });
    } else {
      builder.maximumSize(settings.l0MaximumSize());
    }
    return builder
        .expireAfter(
            new Expiry<Object, Object>() {
              @Override
              public long expireAfterCreate(Object key, Object entry, long currentTime) {
                return Math.max(0, ((L0Entry) entry).expiresAt() - currentTime);
              }

              @Override
              public long expireAfterUpdate(
                  Object key, Object entry, long currentTime, long currentDuration) {
                return Math.max(0, ((L0Entry) entry).expiresAt() - currentTime);
              }

              @Override
              public long expireAfterRead(
                  Object key, Object entry, long currentTime, long currentDuration) {
                return currentDuration;
              }
            })
        .evictionListener(
            (Object key, Object value, RemovalCause cause) -> {
              if (cause.wasEvicted()) {
                stats.l0Eviction();
              }
            })
        .executor(executor)
        .<K, L0Entry>build();
  }

  // ------------------------------------------------------------------------------------------
  // Reads

  @Override
  public @Nullable V get(K key) {
    return get(key, requireLoader());
  }

  @Override
  public @Nullable V get(K key, Function<? super K, ? extends @Nullable V> loader) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(loader, "loader");
    L0Entry hit = l0Hit(key);
    if (hit != null) {
      return unwrap(hit.value());
    }
    CompletableFuture<Object> mine = new CompletableFuture<>();
    CompletableFuture<Object> existing = inflight.putIfAbsent(key, mine);
    if (existing != null) {
      stats.coalesced();
      return unwrap(join(existing));
    }
    try {
      Object value = leadBlocking(key, loader);
      mine.complete(value);
      return unwrap(value);
    } catch (Throwable t) {
      mine.completeExceptionally(t);
      throw t;
    } finally {
      inflight.remove(key, mine);
    }
  }

  @Override
  public CompletableFuture<@Nullable V> getAsync(K key) {
    return getAsync(key, requireLoader());
  }

  @Override
  public CompletableFuture<@Nullable V> getAsync(
      K key, Function<? super K, ? extends @Nullable V> loader) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(loader, "loader");
    L0Entry hit = l0Hit(key);
    if (hit != null) {
      return CompletableFuture.completedFuture(unwrap(hit.value()));
    }
    CompletableFuture<Object> mine = new CompletableFuture<>();
    CompletableFuture<Object> existing = inflight.putIfAbsent(key, mine);
    if (existing != null) {
      stats.coalesced();
      return existing.thenApply(this::unwrap);
    }
    leadAsync(key, loader)
        .whenComplete(
            (value, error) -> {
              inflight.remove(key, mine);
              if (error != null) {
                mine.completeExceptionally(unwrapCompletion(error));
              } else {
                mine.complete(value);
              }
            });
    return mine.thenApply(this::unwrap);
  }

  @Override
  public @Nullable V getIfPresent(K key) {
    Objects.requireNonNull(key, "key");
    L0Entry hit = l0Hit(key);
    if (hit != null) {
      return unwrap(hit.value());
    }
    return unwrap(join(lookupOnly(key)));
  }

  @Override
  public CompletableFuture<@Nullable V> getIfPresentAsync(K key) {
    Objects.requireNonNull(key, "key");
    L0Entry hit = l0Hit(key);
    if (hit != null) {
      return CompletableFuture.completedFuture(unwrap(hit.value()));
    }
    return lookupOnly(key).thenApply(this::unwrap);
  }

  private @Nullable L0Entry l0Hit(K key) {
    if (l0 != null) {
      L0Entry entry = l0.getIfPresent(key);
      if (entry != null) {
        stats.l0Hit();
        return entry;
      }
    }
    stats.l0Miss();
    return null;
  }

  /** The leader's work for a blocking get: everything on this thread but the store's I/O. */
  private Object leadBlocking(K key, Function<? super K, ? extends @Nullable V> loader) {
    long seen = stripe(key);
    byte[] encoded = keyCodec.encode(key);
    RemoteRead read = join(remoteRead(encoded));
    Found found = join(decodeOrRemove(encoded, read));
    if (found != MISS && found != REMOVED) {
      return served(key, encoded, read, found, loader, seen);
    }
    if (found == REMOVED) {
      read = join(remoteRead(encoded)); // the removal moved the generation: read it again
    }
    Object value = load(key, loader);
    return join(store(key, encoded, value, read, seen));
  }

  /** The leader's work for an asynchronous get; the loader runs on the executor. */
  private CompletableFuture<Object> leadAsync(
      K key, Function<? super K, ? extends @Nullable V> loader) {
    long seen = stripe(key);
    byte[] encoded;
    try {
      encoded = keyCodec.encode(key);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return remoteRead(encoded)
        .thenCompose(
            read ->
                decodeOrRemove(encoded, read)
                    .thenCompose(
                        found -> {
                          if (found != MISS && found != REMOVED) {
                            return CompletableFuture.completedFuture(
                                served(key, encoded, read, found, loader, seen));
                          }
                          CompletableFuture<RemoteRead> fresh =
                              found == REMOVED
                                  ? remoteRead(encoded)
                                  : CompletableFuture.completedFuture(read);
                          return fresh.thenCompose(
                              current ->
                                  CompletableFuture.supplyAsync(() -> load(key, loader), executor)
                                      .thenCompose(
                                          value -> store(key, encoded, value, current, seen)));
                        }));
  }

  /**
   * A remote read with no loading: completes with the value, {@link #ABSENT} or {@link #NOT_FOUND}.
   */
  private CompletableFuture<Object> lookupOnly(K key) {
    long seen = stripe(key);
    byte[] encoded = keyCodec.encode(key);
    Function<K, V> loader = settings.loader();
    return remoteRead(encoded)
        .thenCompose(
            read ->
                decodeOrRemove(encoded, read)
                    .thenApply(
                        found ->
                            found == MISS || found == REMOVED
                                ? NOT_FOUND
                                : served(key, encoded, read, found, loader, seen)));
  }

  /**
   * Returns a found copy's value: fresh ones fill the L0 and may be promoted, stale ones refresh.
   */
  private Object served(
      K key,
      byte[] encoded,
      RemoteRead read,
      Found found,
      @Nullable Function<? super K, ? extends @Nullable V> loader,
      long seen) {
    if (found.stale()) {
      if (loader != null) {
        refresh(key, encoded, loader, read);
      }
    } else {
      promote(key, encoded, read, found);
      fillL0(key, found.value(), found.freshUntil(), seen);
    }
    return found.value();
  }

  /**
   * Reads the key's copy: the decoded copy, {@link #MISS}, or {@link #REMOVED} when the copy did
   * not decode and was removed (counted).
   */
  private CompletableFuture<Found> decodeOrRemove(byte[] encoded, RemoteRead read) {
    Found found = decode(read);
    if (found != null) {
      return CompletableFuture.completedFuture(found);
    }
    return removeRemote(encoded).handle((ignored, error) -> REMOVED);
  }

  /**
   * Decodes the copy of a lookup: the copy, {@link #MISS}, or null (counted) if it does not decode.
   * Counts the lookup for the tier that served it, or as a miss in every tier: a copy that Redis
   * still holds past its envelope's servable-until is a miss, not a hit.
   */
  private @Nullable Found decode(RemoteRead read) {
    Found found = decodeCopy(read);
    stats.remoteLookup(found == null || found == MISS ? -1 : found.tier());
    return found;
  }

  private @Nullable Found decodeCopy(RemoteRead read) {
    byte[] copy = read.copy();
    if (copy == null) {
      return MISS;
    }
    try {
      Envelope envelope = Envelope.parse(copy);
      if (!envelope.codecId().equals(valueCodec.id())) {
        throw new IllegalArgumentException(
            "copy written by codec '"
                + envelope.codecId()
                + "', this cache reads '"
                + valueCodec.id()
                + "'");
      }
      Object value =
          envelope.absent()
              ? ABSENT
              : Objects.requireNonNull(
                  valueCodec.decode(copy, envelope.payloadOffset(), envelope.payloadLength(copy)),
                  "decoded value");
      long now = wallMillis();
      if (now >= envelope.servableUntil()) {
        return MISS;
      }
      return new Found(
          value, now >= envelope.freshUntil(), envelope.freshUntil(), read.tier(), copy, envelope);
    } catch (RuntimeException e) {
      stats.decodeError();
      log.debug("cache '{}': a stored copy did not decode and is treated as a miss", name, e);
      return null;
    }
  }

  private void promote(K key, byte[] encoded, RemoteRead read, Found found) {
    int from = found.tier();
    int to;
    try {
      to = settings.promotion().target(key, from, tiers, ticker.read());
    } catch (RuntimeException e) {
      log.warn("cache '{}': the promotion policy failed", name, e);
      return;
    }
    if (to == Promotion.NONE || to >= from || to < 0 || read.failed()) {
      return;
    }
    Tier target = tiers.get(to);
    long now = wallMillis();
    long freshUntil = now + jitter(target.ttl()).toMillis();
    Envelope source = Objects.requireNonNull(found.envelope());
    byte[] payload = Arrays.copyOfRange(found.copy(), source.payloadOffset(), found.copy().length);
    byte[] copy =
        Envelope.wrap(
            valueCodec.id(),
            source.absent(),
            freshUntil,
            freshUntil + target.staleWindow().toMillis(),
            payload);
    int group = groupOfTier[to];
    Write write =
        new Write(
            encoded,
            indexInGroup[to],
            copy,
            servableTtl(target, freshUntil - now),
            read.generations()[group]);
    Group g = groups[group];
    timed(g.store().promote(g.namespace(), write))
        .whenComplete(
            (written, error) -> {
              if (error != null) {
                stats.remoteError();
              } else if (written) {
                stats.promotion(from, to);
              }
            });
  }

  private void refresh(
      K key, byte[] encoded, Function<? super K, ? extends @Nullable V> loader, RemoteRead read) {
    if (refreshing.putIfAbsent(key, Boolean.TRUE) != null) {
      return;
    }
    long seen = stripe(key);
    try {
      executor.execute(
          () -> {
            try {
              Object value = load(key, loader);
              join(store(key, encoded, value, read, seen));
            } catch (Throwable t) {
              log.debug(
                  "cache '{}': a background refresh failed; the stale copy stays until its window ends",
                  name,
                  t);
            } finally {
              refreshing.remove(key);
            }
          });
    } catch (RuntimeException rejected) {
      refreshing.remove(key);
      log.warn("cache '{}': the executor refused a background refresh", name, rejected);
    }
  }

  private Object load(K key, Function<? super K, ? extends @Nullable V> loader) {
    long start = System.nanoTime();
    V value;
    try {
      value = loader.apply(key);
    } catch (Throwable t) {
      stats.loadFailure(System.nanoTime() - start);
      throw t;
    }
    stats.loadSuccess(System.nanoTime() - start);
    return value == null ? ABSENT : value;
  }

  // ------------------------------------------------------------------------------------------
  // Bulk reads

  @Override
  public Map<K, V> getAll(Iterable<? extends K> keys) {
    return join(getAllAsync(keys));
  }

  @Override
  public CompletableFuture<Map<K, V>> getAllAsync(Iterable<? extends K> keys) {
    Objects.requireNonNull(keys, "keys");
    Set<K> wanted = new LinkedHashSet<>();
    for (K key : keys) {
      wanted.add(Objects.requireNonNull(key, "keys contains null"));
    }
    Map<K, Object> found = new ConcurrentHashMap<>();
    Map<K, CompletableFuture<Object>> waits = new LinkedHashMap<>();
    Map<K, CompletableFuture<Object>> led = new LinkedHashMap<>();
    for (K key : wanted) {
      L0Entry hit = l0Hit(key);
      if (hit != null) {
        found.put(key, hit.value());
        continue;
      }
      CompletableFuture<Object> mine = new CompletableFuture<>();
      CompletableFuture<Object> existing = inflight.putIfAbsent(key, mine);
      if (existing != null) {
        stats.coalesced();
        waits.put(key, existing);
      } else {
        led.put(key, mine);
      }
    }
    CompletableFuture<Map<K, Object>> leading =
        led.isEmpty()
            ? CompletableFuture.completedFuture(Map.of())
            : leadMany(new ArrayList<>(led.keySet()));
    leading.whenComplete(
        (results, error) ->
            led.forEach(
                (key, promise) -> {
                  inflight.remove(key, promise);
                  if (error != null) {
                    promise.completeExceptionally(unwrapCompletion(error));
                  } else {
                    promise.complete(results.getOrDefault(key, NOT_FOUND));
                  }
                }));
    List<CompletableFuture<?>> all = new ArrayList<>();
    Map<K, CompletableFuture<Object>> pending = new LinkedHashMap<>(waits);
    pending.putAll(led);
    pending.forEach((key, future) -> all.add(future.thenAccept(value -> found.put(key, value))));
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(
            ignored -> {
              Map<K, V> result = new LinkedHashMap<>();
              for (K key : wanted) {
                Object value = found.get(key);
                if (value != null && value != ABSENT && value != NOT_FOUND) {
                  @SuppressWarnings("unchecked")
                  V v = (V) value;
                  result.put(key, v);
                }
              }
              return Collections.unmodifiableMap(result);
            });
  }

  /**
   * Reads the keys this call leads in one burst per store, then loads the misses; completes with
   * what it found or loaded per key.
   */
  private CompletableFuture<Map<K, Object>> leadMany(List<K> keys) {
    Map<K, Object> results = new ConcurrentHashMap<>();
    long[] seen = new long[keys.size()];
    List<byte[]> encoded = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      seen[i] = stripe(keys.get(i));
      encoded.add(keyCodec.encode(keys.get(i)));
    }
    return remoteReadAll(encoded)
        .thenCompose(
            reads -> {
              List<Integer> misses = new ArrayList<>();
              List<byte[]> undecodable = new ArrayList<>();
              for (int i = 0; i < keys.size(); i++) {
                RemoteRead read = reads.get(i);
                K key = keys.get(i);
                Found f = decode(read);
                if (f != null && f != MISS) {
                  results.put(key, served(key, encoded.get(i), read, f, perKeyLoader(), seen[i]));
                } else {
                  if (f == null) {
                    undecodable.add(encoded.get(i));
                    reads.set(
                        i,
                        new RemoteRead(-1, null, null)); // generation moves: write nothing remotely
                  }
                  misses.add(i);
                }
              }
              if (!undecodable.isEmpty()) {
                for (Group g : groups) {
                  timed(g.store().removeAll(g.namespace(), undecodable))
                      .exceptionally(this::remoteFailed);
                }
              }
              if (misses.isEmpty()) {
                return CompletableFuture.completedFuture(results);
              }
              return loadMany(keys, encoded, reads, misses, seen, results)
                  .thenApply(done -> results);
            });
  }

  private @Nullable Function<? super K, ? extends @Nullable V> perKeyLoader() {
    if (settings.loader() != null) {
      return settings.loader();
    }
    Function<Set<K>, Map<K, V>> bulk = settings.bulkLoader();
    return bulk == null ? null : key -> bulk.apply(Set.of(key)).get(key);
  }

  private CompletableFuture<Void> loadMany(
      List<K> keys,
      List<byte[]> encoded,
      List<RemoteRead> reads,
      List<Integer> misses,
      long[] seen,
      Map<K, Object> results) {
    Function<Set<K>, Map<K, V>> bulk = settings.bulkLoader();
    Function<K, V> single = settings.loader();
    if (bulk == null && single == null) {
      return CompletableFuture.completedFuture(null); // nothing to load with: misses stay absent
    }
    return CompletableFuture.supplyAsync(
            () -> {
              Map<K, Object> loaded = new LinkedHashMap<>();
              if (bulk != null) {
                Set<K> missing = new LinkedHashSet<>();
                misses.forEach(i -> missing.add(keys.get(i)));
                long start = System.nanoTime();
                Map<K, V> answer;
                try {
                  answer = bulk.apply(Collections.unmodifiableSet(missing));
                } catch (Throwable t) {
                  stats.loadFailure(System.nanoTime() - start);
                  throw t;
                }
                stats.loadSuccess(System.nanoTime() - start);
                for (K key : missing) {
                  V value = answer == null ? null : answer.get(key);
                  loaded.put(key, value == null ? ABSENT : value);
                }
              } else {
                for (int i : misses) {
                  loaded.put(keys.get(i), load(keys.get(i), single));
                }
              }
              return loaded;
            },
            executor)
        .thenCompose(
            loaded -> {
              List<CompletableFuture<Object>> writes = new ArrayList<>();
              for (int i : misses) {
                K key = keys.get(i);
                writes.add(
                    store(key, encoded.get(i), loaded.get(key), reads.get(i), seen[i])
                        .thenApply(value -> results.put(key, value)));
              }
              return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
            });
  }

  // ------------------------------------------------------------------------------------------
  // Writes

  /**
   * Writes a loaded value (or absence) to its tier at the generation its read saw, then fills the
   * L0. Completes with the value; never fails.
   */
  private CompletableFuture<Object> store(
      K key, byte[] encoded, Object value, RemoteRead read, long seen) {
    if (value == ABSENT && settings.absentTtl() == null) {
      return CompletableFuture.completedFuture(value);
    }
    Placed placed;
    try {
      placed = place(key, value);
    } catch (RuntimeException e) {
      log.warn(
          "cache '{}': could not place or encode a loaded value; it is returned but not cached",
          name,
          e);
      return CompletableFuture.completedFuture(value);
    }
    if (read.failed() || placed.copy() == null) {
      fillL0(key, value, placed.freshUntil(), seen);
      return CompletableFuture.completedFuture(value);
    }
    int group = groupOfTier[placed.tier()];
    Group g = groups[group];
    Write write =
        new Write(
            encoded,
            indexInGroup[placed.tier()],
            placed.copy(),
            placed.ttl(),
            read.generations()[group]);
    return timed(g.store().writeIfGeneration(g.namespace(), write))
        .handle(
            (written, error) -> {
              if (error != null) {
                remoteFailed(error);
                fillL0(key, value, placed.freshUntil(), seen);
              } else if (written) {
                stats.put();
                fillL0(key, value, placed.freshUntil(), seen);
              }
              // Not written: an invalidation or put happened during the load; the value is already
              // out of date, so it goes to the callers that asked before, but not into the L0.
              return value;
            });
  }

  /** Where and how a value is written. */
  private record Placed(int tier, byte @Nullable [] copy, Duration ttl, long freshUntil) {}

  private Placed place(K key, Object value) {
    long now = wallMillis();
    if (value == ABSENT) {
      Duration ttl = Objects.requireNonNull(settings.absentTtl());
      long freshUntil = now + ttl.toMillis();
      byte[] copy = Envelope.wrap(valueCodec.id(), true, freshUntil, freshUntil, new byte[0]);
      return new Placed(settings.defaultTier(), copy, ttl, freshUntil);
    }
    @SuppressWarnings("unchecked")
    V v = (V) value;
    int tier = settings.placement().place(key, v, tiers, Instant.ofEpochMilli(now));
    if (tier < 0 || tier >= tiers.size()) {
      throw new IllegalStateException(
          "placement returned tier " + tier + ", not one of " + tiers.names());
    }
    Tier t = tiers.get(tier);
    Duration fresh = jitter(t.ttl());
    long freshUntil = now + fresh.toMillis();
    byte[] payload = valueCodec.encode(v);
    if (payload.length > settings.maxRemoteValueBytes()) {
      stats.oversizedValue();
      if (oversizedWarned.compareAndSet(false, true)) {
        log.warn(
            "cache '{}': a value of {} bytes exceeds maxRemoteValueBytes ({}); such values stay in the L0 only"
                + " (logged once)",
            name,
            payload.length,
            settings.maxRemoteValueBytes());
      }
      return new Placed(tier, null, fresh, freshUntil);
    }
    byte[] copy =
        Envelope.wrap(
            valueCodec.id(), false, freshUntil, freshUntil + t.staleWindow().toMillis(), payload);
    return new Placed(tier, copy, servableTtl(t, fresh.toMillis()), freshUntil);
  }

  @Override
  public void put(K key, V value) {
    join(putAsync(key, value));
  }

  @Override
  public CompletableFuture<Void> putAsync(K key, V value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    byte[] encoded = keyCodec.encode(key);
    Placed placed = place(key, value);
    List<CompletableFuture<?>> remote = new ArrayList<>();
    int target = groupOfTier[placed.tier()];
    for (int g = 0; g < groups.length; g++) {
      Group group = groups[g];
      if (g == target && placed.copy() != null) {
        Write write =
            new Write(encoded, indexInGroup[placed.tier()], placed.copy(), placed.ttl(), 0);
        remote.add(timed(group.store().put(group.namespace(), write)).thenRun(stats::put));
      } else {
        remote.add(timed(group.store().remove(group.namespace(), encoded)));
      }
    }
    return settle(remote)
        .thenRun(
            () -> {
              invalidateLocally(key);
              fillL0(key, value, placed.freshUntil(), stripe(key));
              publish(Invalidation.ofKey(settings.instanceId(), encoded));
            });
  }

  @Override
  public void invalidate(K key) {
    join(invalidateAsync(key));
  }

  @Override
  public CompletableFuture<Void> invalidateAsync(K key) {
    Objects.requireNonNull(key, "key");
    byte[] encoded = keyCodec.encode(key);
    return removeRemote(encoded)
        .thenRun(
            () -> {
              invalidateLocally(key);
              publish(Invalidation.ofKey(settings.instanceId(), encoded));
            });
  }

  @Override
  public void invalidateAll() {
    join(invalidateAllAsync());
  }

  @Override
  public CompletableFuture<Void> invalidateAllAsync() {
    List<CompletableFuture<?>> remote = new ArrayList<>();
    for (Group g : groups) {
      remote.add(timed(g.store().clear(g.namespace())));
    }
    return settle(remote)
        .thenRun(
            () -> {
              clearLocally();
              publish(Invalidation.ofAll(settings.instanceId()));
            });
  }

  private CompletableFuture<Void> removeRemote(byte[] encoded) {
    List<CompletableFuture<?>> remote = new ArrayList<>();
    for (Group g : groups) {
      remote.add(timed(g.store().remove(g.namespace(), encoded)));
    }
    return settle(remote);
  }

  /** Drops the key from the L0 and detaches its in-flight read; see the class comment. */
  private void invalidateLocally(K key) {
    stripes.incrementAndGet(stripeIndex(key));
    if (l0 != null) {
      l0.invalidate(key);
    }
    inflight.remove(key);
  }

  private void clearLocally() {
    for (int i = 0; i < STRIPES; i++) {
      stripes.incrementAndGet(i);
    }
    inflight.clear();
    if (l0 != null) {
      l0.invalidateAll();
    }
  }

  private void publish(Invalidation message) {
    Group g = groups[0];
    try {
      timed(g.store().publish(g.namespace(), message)).exceptionally(this::remoteFailed);
    } catch (RuntimeException e) {
      remoteFailed(e);
    }
  }

  // ------------------------------------------------------------------------------------------
  // L0

  private void fillL0(K key, Object value, long freshUntilMillis, long seen) {
    if (l0 == null || value == NOT_FOUND) {
      return;
    }
    long now = ticker.read();
    long untilFresh = TimeUnit.MILLISECONDS.toNanos(freshUntilMillis - wallMillis());
    long lifetime = Math.min(l0BoundNanos, untilFresh);
    if (lifetime <= 0) {
      return;
    }
    L0Entry entry = new L0Entry(value, now + lifetime);
    l0.asMap().compute(key, (k, old) -> stripe(k) == seen ? entry : old);
  }

  private long stripe(K key) {
    return stripes.get(stripeIndex(key));
  }

  private static int stripeIndex(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }

  @Override
  public long l0Size() {
    return l0 == null ? 0 : l0.estimatedSize();
  }

  // ------------------------------------------------------------------------------------------
  // Remote calls

  private CompletableFuture<RemoteRead> remoteRead(byte[] encoded) {
    if (groups.length == 1) {
      Group g = groups[0];
      return guarded(() -> g.store().read(g.namespace(), encoded))
          .handle(
              (lookup, error) ->
                  error != null ? failedRead(error) : combine(new Lookup[] {lookup}));
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<Lookup>[] lookups = new CompletableFuture[groups.length];
    for (int g = 0; g < groups.length; g++) {
      Group group = groups[g];
      lookups[g] = guarded(() -> group.store().read(group.namespace(), encoded));
    }
    return CompletableFuture.allOf(lookups)
        .handle(
            (ignored, error) -> {
              if (error != null) {
                return failedRead(error);
              }
              Lookup[] answers = new Lookup[groups.length];
              for (int g = 0; g < groups.length; g++) {
                answers[g] = lookups[g].join();
              }
              return combine(answers);
            });
  }

  private CompletableFuture<List<RemoteRead>> remoteReadAll(List<byte[]> encoded) {
    @SuppressWarnings("unchecked")
    CompletableFuture<List<Lookup>>[] answers = new CompletableFuture[groups.length];
    for (int g = 0; g < groups.length; g++) {
      Group group = groups[g];
      answers[g] = guarded(() -> group.store().readAll(group.namespace(), encoded));
    }
    return CompletableFuture.allOf(answers)
        .handle(
            (ignored, error) -> {
              List<RemoteRead> reads = new ArrayList<>(encoded.size());
              if (error != null) {
                RemoteRead failed = failedRead(error);
                for (int i = 0; i < encoded.size(); i++) {
                  reads.add(failed);
                }
                return reads;
              }
              for (int i = 0; i < encoded.size(); i++) {
                Lookup[] perGroup = new Lookup[groups.length];
                for (int g = 0; g < groups.length; g++) {
                  perGroup[g] = answers[g].join().get(i);
                }
                reads.add(combine(perGroup));
              }
              return reads;
            });
  }

  /** Combines the groups' answers: the hottest copy overall and each group's generation. */
  private RemoteRead combine(Lookup[] lookups) {
    int best = -1;
    byte[] copy = null;
    long[] generations = new long[lookups.length];
    for (int g = 0; g < lookups.length; g++) {
      Lookup lookup = lookups[g];
      generations[g] = lookup.generation();
      if (lookup.isHit()) {
        int tier = groups[g].tiers()[lookup.tier()];
        if (best < 0 || tier < best) {
          best = tier;
          copy = lookup.copy();
        }
      }
    }
    return new RemoteRead(best, copy, generations);
  }

  private RemoteRead failedRead(Throwable error) {
    remoteFailed(error);
    return new RemoteRead(-1, null, null);
  }

  /** Calls the store, turning a synchronous throw into a failed future, and bounds it in time. */
  private <T> CompletableFuture<T> guarded(java.util.function.Supplier<CompletableFuture<T>> call) {
    try {
      return timed(call.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private <T> CompletableFuture<T> timed(CompletableFuture<T> future) {
    CompletableFuture<T> bounded =
        future.copy().orTimeout(remoteTimeoutNanos, TimeUnit.NANOSECONDS);
    if (remoteLatency != null) {
      long start = System.nanoTime();
      Timer timer = remoteLatency;
      bounded.whenComplete((r, e) -> timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
    }
    return bounded;
  }

  /** Waits for every remote call, counting failures; never fails. */
  private CompletableFuture<Void> settle(List<CompletableFuture<?>> calls) {
    CompletableFuture<?>[] handled = new CompletableFuture<?>[calls.size()];
    for (int i = 0; i < calls.size(); i++) {
      handled[i] = calls.get(i).exceptionally(this::remoteFailed);
    }
    return CompletableFuture.allOf(handled);
  }

  private <T> @Nullable T remoteFailed(Throwable error) {
    stats.remoteError();
    log.debug("cache '{}': a remote operation failed", name, error);
    return null;
  }

  // ------------------------------------------------------------------------------------------
  // Helpers

  private long wallMillis() {
    return systemTicker
        ? System.currentTimeMillis()
        : wallOffsetMillis + TimeUnit.NANOSECONDS.toMillis(ticker.read());
  }

  private Duration jitter(Duration ttl) {
    double jitter = settings.ttlJitter();
    if (jitter == 0.0) {
      return ttl;
    }
    long millis = ttl.toMillis();
    long cut = (long) (millis * jitter * ThreadLocalRandom.current().nextDouble());
    return Duration.ofMillis(Math.max(1, millis - cut));
  }

  /**
   * The store-side lifetime of a copy: fresh for {@code freshMillis}, then stale for the window.
   */
  private static Duration servableTtl(Tier tier, long freshMillis) {
    return Duration.ofMillis(Math.max(1, freshMillis)).plus(tier.staleWindow());
  }

  private Function<K, V> requireLoader() {
    Function<K, V> loader = settings.loader();
    if (loader == null) {
      throw new IllegalStateException(
          "cache '"
              + name
              + "' has no loader: set TieredCacheBuilder.loader(...) or call get(key, loader)");
    }
    return loader;
  }

  @SuppressWarnings("unchecked")
  private @Nullable V unwrap(Object value) {
    return value == ABSENT || value == NOT_FOUND ? null : (V) value;
  }

  /** Joins a future, rethrowing the original unchecked exception rather than its wrapper. */
  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = unwrapCompletion(e);
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  private static Throwable unwrapCompletion(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

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

  /** Returns the striped counters, for framework integrations that bind their own meters. */
  public StatsRecorder statsRecorder() {
    return stats;
  }

  @Override
  public void close() {
    try {
      subscription.close();
    } catch (Exception e) {
      log.debug("cache '{}': closing the invalidation subscription failed", name, e);
    }
  }

  @Override
  public String toString() {
    return "TieredCache["
        + name
        + ", tiers="
        + tiers.names()
        + ", l0="
        + (l0 == null ? "off" : l0Size())
        + "]";
  }

  /** Drops keys named by other instances' messages; clears the L0 after every (re)subscribe. */
  private final class Listener implements InvalidationListener {
    @Override
    public void onInvalidation(Invalidation message) {
      if (message.origin().equals(settings.instanceId())) {
        return;
      }
      if (message.isAll()) {
        clearLocally();
        return;
      }
      K key;
      try {
        key = keyCodec.decode(Objects.requireNonNull(message.key()));
      } catch (RuntimeException e) {
        log.warn(
            "cache '{}': an invalidation named a key that does not decode; clearing the L0",
            name,
            e);
        clearLocally();
        return;
      }
      invalidateLocally(key);
    }

    @Override
    public void onSubscribed() {
      clearLocally();
    }
  }
}
