package io.github.tieredcache.spring.boot.autoconfigure;

import io.github.tieredcache.TieredCacheBuilder;

/**
 * Customizes the builder of each tiered cache the auto-configured {@code TieredCacheManager}
 * creates, after the {@code tiered-cache.*} properties were applied: set a placement by age, tiers,
 * a codec, a loader, anything the builder offers. Every customizer bean is called for every cache,
 * in {@link org.springframework.core.annotation.Order} order; check {@code cacheName} to customize
 * one cache.
 *
 * <pre>{@code
 * @Bean
 * TieredCacheCustomizer postsByAge() {
 *   return (cacheName, builder) -> {
 *     if (cacheName.equals("posts")) {
 *       builder.placement(TieredSpringCache.placeByAge(Post.class, Post::createdAt));
 *     }
 *   };
 * }
 * }</pre>
 *
 * <p>Without a placement, values go to the cache's {@code default-tier}. A codec set here replaces
 * the starter's and sees every stored value: where null values are allowed (the default) that
 * includes Spring's {@code NullValue}, so wrap it with {@code NullValueCodec.wrap(codec)}. The
 * builder's key codec must stay the string codec: Spring's keys reach the cache already encoded.
 */
@FunctionalInterface
public interface TieredCacheCustomizer {

  /** Customizes the builder of the cache called {@code cacheName}. */
  void customize(String cacheName, TieredCacheBuilder<Object, Object> builder);
}
