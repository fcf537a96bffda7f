package io.github.tieredcache.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.spring.boot.cache.TieredCacheManager;
import io.github.tieredcache.spring.boot.cache.TieredSpringCache;
import io.github.tieredcache.spring.boot.store.TierStores;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.actuate.endpoint.CachesEndpoint;
import org.springframework.boot.cache.actuate.endpoint.CachesEndpoint.CacheEntryDescriptor;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CachesEndpointAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.support.NoOpCacheManager;
import org.springframework.context.annotation.Configuration;

/**
 * Boot's cache switches: {@code spring.cache.type} and {@code tiered-cache.enabled} hand the
 * application to Boot's own cache auto-configuration, and {@code /actuator/caches} lists ours. The
 * runner lists the auto-configurations every Boot application with this starter has on its class
 * path (the starter brings Boot's cache module; the tests add no cache starter of their own).
 */
class BootCacheConventionsTest {

  /** A port nothing listens on: a Redis configuration that must never be connected to. */
  private static final String UNUSED_REDIS = "tiered-cache.redis.cluster.nodes=127.0.0.1:1";

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  TieredCacheRedisAutoConfiguration.class,
                  TieredCacheAutoConfiguration.class,
                  CacheAutoConfiguration.class,
                  EndpointAutoConfiguration.class,
                  CachesEndpointAutoConfiguration.class))
          .withUserConfiguration(CachingConfig.class);

  @Test
  void springCacheTypeNoneTurnsCachingOffAndTieredCacheBacksOff() {
    runner
        .withPropertyValues("spring.cache.type=none", UNUSED_REDIS)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(CacheManager.class)).isInstanceOf(NoOpCacheManager.class);
              assertThat(context)
                  .doesNotHaveBean(TieredCacheManager.class)
                  .doesNotHaveBean(TierStores.class)
                  .doesNotHaveBean(ClientResources.class);
            });
  }

  @Test
  void anyOtherSpringCacheTypeIsBootsToHonour() {
    runner
        .withPropertyValues("spring.cache.type=simple", "spring.cache.cache-names=posts")
        .run(
            context -> {
              assertThat(context.getBean(CacheManager.class))
                  .isInstanceOf(ConcurrentMapCacheManager.class);
              assertThat(context).doesNotHaveBean(TieredCacheManager.class);
              assertThat(context.getBean(CacheManager.class).getCacheNames())
                  .containsExactly("posts");
            });
  }

  @Test
  void disabledWithEnableCachingLeavesBootsCacheManagerInCharge() {
    runner
        .withPropertyValues("tiered-cache.enabled=false", UNUSED_REDIS)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              // Boot's own choice: Caffeine is on the class path (cache-core brings it).
              assertThat(context.getBean(CacheManager.class))
                  .isInstanceOf(CaffeineCacheManager.class);
              assertThat(context)
                  .doesNotHaveBean(TieredCacheManager.class)
                  .doesNotHaveBean(ClientResources.class);
            });
  }

  @Test
  void withoutEitherSwitchTheTieredCacheManagerIsTheCacheManager() {
    runner.run(
        context ->
            assertThat(context.getBean(CacheManager.class)).isInstanceOf(TieredCacheManager.class));
  }

  @Test
  void theCachesEndpointListsTheTieredCaches() {
    runner
        .withPropertyValues(
            "tiered-cache.cache-names=posts,users",
            "management.endpoints.web.exposure.include=caches")
        .run(
            context -> {
              CachesEndpoint endpoint = context.getBean(CachesEndpoint.class);
              var managers = endpoint.caches().getCacheManagers();
              assertThat(managers).containsOnlyKeys("cacheManager");
              assertThat(managers.get("cacheManager").getCaches())
                  .containsOnlyKeys("posts", "users");
              CacheEntryDescriptor posts = endpoint.cache("posts", null);
              assertThat(posts).isNotNull();
              assertThat(posts.getCacheManager()).isEqualTo("cacheManager");
              assertThat(posts.getTarget())
                  .isEqualTo(
                      ((TieredSpringCache) context.getBean(CacheManager.class).getCache("posts"))
                          .getNativeCache()
                          .getClass()
                          .getName());
              // DELETE /actuator/caches/posts clears the tiered cache.
              context.getBean(CacheManager.class).getCache("posts").put(1L, "one");
              assertThat(endpoint.clearCache("posts", null)).isTrue();
              assertThat(context.getBean(CacheManager.class).getCache("posts").get(1L)).isNull();
            });
  }

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class CachingConfig {}
}
