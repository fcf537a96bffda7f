package io.github.tieredcache.spring.boot.cache;

/**
 * Turns the keys Spring's cache abstraction hands a cache ({@code @Cacheable}'s parameters, a
 * {@link org.springframework.cache.interceptor.SimpleKey}, the result of a {@code key} expression)
 * into the text a tiered cache stores them under.
 *
 * <p>Two keys that are {@code equals} must encode to the same text, and two keys that are not
 * should encode differently, or one key's value is returned for the other. Declare a bean of this
 * type to replace the {@link DefaultCacheKeyEncoder}. Implementations are thread-safe.
 */
@FunctionalInterface
public interface CacheKeyEncoder {

  /**
   * Returns the text for {@code key}, never {@code null}.
   *
   * @throws IllegalArgumentException if the key has no stable text form
   */
  String encode(Object key);
}
