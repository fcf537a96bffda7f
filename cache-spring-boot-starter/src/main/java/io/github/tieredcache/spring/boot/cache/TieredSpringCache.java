package io.github.tieredcache.spring.boot.cache;

import io.github.tieredcache.Placement;
import io.github.tieredcache.TieredCache;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.cache.support.NullValue;

/**
 * A Spring {@link org.springframework.cache.Cache} over a {@link TieredCache}, so that
 * {@code @Cacheable}, {@code @CachePut} and {@code @CacheEvict} read and write the L0 and the
 * remote tiers.
 *
 * <p><b>Keys</b> are turned into text by a {@link CacheKeyEncoder} (by default {@link
 * DefaultCacheKeyEncoder}) and prefixed with the cache's key prefix; the tiered cache below only
 * ever sees those strings, so an invalidation message naming a key drops exactly the L0 entry that
 * this cache wrote.
 *
 * <p><b>Null values</b> follow Spring's convention. With {@code allowNullValues} a {@code null} is
 * stored as {@link NullValue#INSTANCE}, a real entry written to the cache's default tier (the codec
 * must accept it: the starter's codecs do, see {@link NullValueCodec}), and later reads return
 * {@code null} without calling the method again. Without {@code allowNullValues}, {@link #put} of
 * {@code null} throws {@link IllegalArgumentException} (as every Spring cache does), while a {@code
 * null} returned to {@link #get(Object, Callable)} is passed to the tiered cache as an absent
 * value, which it remembers only when an absent-value TTL is set.
 *
 * <p><b>Loading</b>: {@link #get(Object, Callable)} ({@code @Cacheable(sync = true)}) uses the
 * tiered cache's single-flight load: the callable runs on the calling thread, at most once per key
 * at a time in this instance, and its exception reaches the caller as a {@link
 * ValueRetrievalException}.
 *
 * <p><b>Failures</b> of the remote tiers never reach the caller (the tiered cache answers from the
 * L0 or the loader). <b>A value the codec refuses</b> (a class outside {@code allowed-packages}, a
 * value of another type than {@code value-type}) is not cached and never fails the request: {@link
 * #put} drops the key's old value instead (so a {@code @CachePut} never leaves the previous one
 * behind) and logs one WARN per cache and class naming the setting that fixes it, later ones at
 * DEBUG; a loaded value is treated alike by the tiered cache. Anything else this cache throws
 * reaches Spring's {@link org.springframework.cache.interceptor.CacheErrorHandler}.
 *
 * <p>Thread-safe.
 */
public class TieredSpringCache extends AbstractValueAdaptingCache {

  private static final Logger log = LoggerFactory.getLogger(TieredSpringCache.class);

  private final TieredCache<Object, Object> cache;
  private final Set<Class<?>> refusedClasses = ConcurrentHashMap.newKeySet();
  private final CacheKeyEncoder keyEncoder;
  private final String keyPrefix;
  private final String storeName;

  /**
   * Creates a Spring cache over {@code cache}.
   *
   * @param cache the tiered cache; its key codec must take strings ({@code KeyCodec.string()})
   * @param allowNullValues whether a {@code null} value is cached (as {@link NullValue})
   * @param keyEncoder turns Spring's keys into text
   * @param keyPrefix prepended to every encoded key; may be empty
   * @param storeName the name of the tier store the cache keeps its tiers on, for reports
   */
  public TieredSpringCache(
      TieredCache<Object, Object> cache,
      boolean allowNullValues,
      CacheKeyEncoder keyEncoder,
      String keyPrefix,
      String storeName) {
    super(allowNullValues);
    this.cache = Objects.requireNonNull(cache, "cache");
    this.keyEncoder = Objects.requireNonNull(keyEncoder, "keyEncoder");
    this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
    this.storeName = Objects.requireNonNull(storeName, "storeName");
  }

  /** Creates a Spring cache with the default key encoder, no key prefix, on the "default" store. */
  public TieredSpringCache(TieredCache<Object, Object> cache, boolean allowNullValues) {
    this(cache, allowNullValues, DefaultCacheKeyEncoder.INSTANCE, "", "default");
  }

  /**
   * Returns a placement by age for a cache whose values are {@code type}: values of another type,
   * such as the {@link NullValue} of a cached {@code null}, go to the hottest tier, whose TTL is
   * usually the shortest. For use in a {@code TieredCacheCustomizer}: {@code
   * builder.placement(TieredSpringCache.placeByAge(Post.class, Post::createdAt))}.
   */
  public static <V> Placement<Object, Object> placeByAge(
      Class<V> type, Function<? super V, @Nullable Instant> ageOf) {
    Objects.requireNonNull(type, "type");
    Placement<Object, V> byAge = Placement.byAge(ageOf);
    return (key, value, tiers, now) ->
        type.isInstance(value) ? byAge.place(key, type.cast(value), tiers, now) : 0;
  }

  @Override
  public String getName() {
    return cache.name();
  }

  /** Returns the {@link TieredCache} below. */
  @Override
  public TieredCache<Object, Object> getNativeCache() {
    return cache;
  }

  /** Returns the name of the tier store this cache keeps its remote tiers on. */
  public String getStoreName() {
    return storeName;
  }

  /** Returns the text this cache stores {@code key} under, prefix included. */
  public String encodeKey(Object key) {
    Objects.requireNonNull(key, "key");
    return keyPrefix + keyEncoder.encode(key);
  }

  @Override
  protected @Nullable Object lookup(Object key) {
    return cache.getIfPresent(encodeKey(key));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
    String encoded = encodeKey(key);
    Object stored;
    try {
      stored = cache.get(encoded, k -> load(key, valueLoader));
    } catch (CompletionException e) {
      throw unwrap(e);
    }
    return (T) fromStoreValue(stored);
  }

  private @Nullable Object load(Object key, Callable<?> valueLoader) {
    Object value;
    try {
      value = valueLoader.call();
    } catch (Exception e) {
      throw new ValueRetrievalException(key, valueLoader, e);
    }
    if (value == null) {
      // A cached null is a NullValue entry when nulls are allowed; otherwise an absent value,
      // which the tiered cache remembers only for its absent-value TTL, if one is set.
      return isAllowNullValues() ? NullValue.INSTANCE : null;
    }
    return value;
  }

  private static RuntimeException unwrap(CompletionException e) {
    return e.getCause() instanceof RuntimeException cause ? cause : e;
  }

  @Override
  public void put(Object key, @Nullable Object value) {
    Object storeValue = toStoreValue(value);
    String encoded = encodeKey(key);
    try {
      cache.put(encoded, storeValue);
    } catch (IllegalArgumentException | UncheckedIOException refused) {
      refused(storeValue, refused);
      cache.invalidate(encoded);
    }
  }

  /** Logs a value the codec refused: once per class at WARN, with the reason, then at DEBUG. */
  private void refused(Object value, RuntimeException why) {
    Class<?> type = value.getClass();
    if (refusedClasses.add(type)) {
      log.warn(
          "cache '{}': a {} is not cached: {} (logged once per cache and class; later ones at"
              + " debug level)",
          getName(),
          type.getName(),
          why.getMessage());
    } else {
      log.debug("cache '{}': a {} is not cached", getName(), type.getName(), why);
    }
  }

  /**
   * Stores {@code value} unless the key already has one, using the tiered cache's single-flight
   * load, so two callers in this instance cannot both store. Returns {@code null} when it stored,
   * as Spring's contract says, and the existing value's wrapper otherwise. A remembered absence (a
   * {@code null} loaded on a cache without null values and kept for its {@code absent-ttl}) is no
   * value: the value is stored over it, with a {@link #put}.
   */
  @Override
  public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
    Object storeValue = toStoreValue(value);
    String encoded = encodeKey(key);
    AtomicBoolean stored = new AtomicBoolean();
    Object existing =
        cache.get(
            encoded,
            k -> {
              stored.set(true);
              return storeValue;
            });
    if (stored.get()) {
      return null;
    }
    if (existing == null) {
      put(key, value);
      return null;
    }
    return toValueWrapper(existing);
  }

  @Override
  public void evict(Object key) {
    cache.invalidate(encodeKey(key));
  }

  /**
   * Removes the key from every tier, here and in the other instances, and returns whether a value
   * was cached for it just before.
   */
  @Override
  public boolean evictIfPresent(Object key) {
    String encoded = encodeKey(key);
    boolean present = cache.getIfPresent(encoded) != null;
    cache.invalidate(encoded);
    return present;
  }

  @Override
  public void clear() {
    cache.invalidateAll();
  }

  /**
   * Removes every entry at once, here and in the other instances; returns {@code true} when this
   * instance's L0 held entries (remote entries are not counted).
   */
  @Override
  public boolean invalidate() {
    boolean hadEntries = cache.local().estimatedSize() > 0;
    cache.invalidateAll();
    return hadEntries;
  }

  @Override
  public CompletableFuture<?> retrieve(Object key) {
    return cache
        .getIfPresentAsync(encodeKey(key))
        .thenApply(stored -> isAllowNullValues() ? toValueWrapper(stored) : stored);
  }

  /**
   * Returns the cached value or, on a miss, the value of {@code valueLoader}'s future, through the
   * tiered cache's single-flight load: concurrent callers of one key in this instance share one
   * call of the loader, and the value is written back as a load is (conditional on the key's
   * generation), never as a {@code put} that would tell every instance to drop the key.
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
    return cache
        .getAsync(
            encodeKey(key),
            (k, executor) ->
                valueLoader
                    .get()
                    .thenApply(
                        loaded ->
                            loaded == null
                                ? (isAllowNullValues() ? NullValue.INSTANCE : null)
                                : loaded))
        .thenApply(stored -> (T) fromStoreValue(stored));
  }

  @Override
  public String toString() {
    return "TieredSpringCache[" + cache.name() + ", tiers=" + cache.tiers().names() + "]";
  }
}
