package io.github.tieredcache.spring.boot.cache;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cache.CacheManager;

/**
 * A Spring {@link CacheManager} whose caches are {@link TieredSpringCache}s.
 *
 * <p>The caches named at construction are created at once; any other name is created on its first
 * {@link #getCache} when the manager is dynamic, and answered with {@code null} otherwise (so
 * Spring reports an unknown cache). Closing the manager closes every cache's invalidation
 * subscription; the tier stores, which caches share, are not closed.
 *
 * <p>Thread-safe: a cache is created at most once.
 */
public class TieredCacheManager implements CacheManager, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(TieredCacheManager.class);

  private final Function<String, ? extends TieredSpringCache> cacheFactory;
  private final boolean dynamic;
  private final Map<String, TieredSpringCache> caches = new ConcurrentHashMap<>();

  /**
   * Creates a manager.
   *
   * @param cacheFactory creates the cache of a name; called once per name
   * @param cacheNames the caches to create now
   * @param dynamic whether other names are created on first use
   */
  public TieredCacheManager(
      Function<String, ? extends TieredSpringCache> cacheFactory,
      Collection<String> cacheNames,
      boolean dynamic) {
    this.cacheFactory = Objects.requireNonNull(cacheFactory, "cacheFactory");
    this.dynamic = dynamic;
    for (String name : cacheNames) {
      caches.computeIfAbsent(name, this::create);
    }
  }

  /** Creates a dynamic manager with no caches yet. */
  public TieredCacheManager(Function<String, ? extends TieredSpringCache> cacheFactory) {
    this(cacheFactory, List.of(), true);
  }

  private TieredSpringCache create(String name) {
    TieredSpringCache cache = cacheFactory.apply(name);
    if (!cache.getName().equals(name)) {
      throw new IllegalStateException(
          "the cache factory returned a cache named '" + cache.getName() + "' for '" + name + "'");
    }
    return cache;
  }

  @Override
  public @Nullable TieredSpringCache getCache(String name) {
    TieredSpringCache cache = caches.get(name);
    if (cache != null || !dynamic) {
      return cache;
    }
    return caches.computeIfAbsent(name, this::create);
  }

  /** Returns the names of the caches created so far. */
  @Override
  public Collection<String> getCacheNames() {
    return Collections.unmodifiableSet(caches.keySet());
  }

  /** Returns the caches created so far. */
  public Collection<TieredSpringCache> getCaches() {
    return Collections.unmodifiableCollection(caches.values());
  }

  /** Returns the cache called {@code name} if it exists, without creating it. */
  public @Nullable TieredSpringCache getExistingCache(String name) {
    return caches.get(name);
  }

  /** Returns whether unknown names are created on first use. */
  public boolean isDynamic() {
    return dynamic;
  }

  /** Closes every cache's invalidation subscription. */
  @Override
  public void destroy() {
    for (TieredSpringCache cache : Set.copyOf(caches.values())) {
      try {
        cache.getNativeCache().close();
      } catch (RuntimeException e) {
        log.warn("Could not close tiered cache '{}'", cache.getName(), e);
      }
    }
  }
}
