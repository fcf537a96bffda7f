package io.github.tieredcache.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.Admission;
import io.github.tieredcache.Tier;
import io.github.tieredcache.spring.boot.autoconfigure.TieredCacheProperties.PromotionPolicy;
import io.github.tieredcache.spring.boot.cache.CacheKeyEncoder;
import io.github.tieredcache.spring.boot.cache.TieredCacheManager;
import io.github.tieredcache.spring.boot.cache.TieredSpringCache;
import io.github.tieredcache.spring.boot.store.TierStores;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

@ExtendWith(OutputCaptureExtension.class)
class TieredCacheAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  TieredCacheAutoConfiguration.class, CacheAutoConfiguration.class))
          .withUserConfiguration(CachingConfig.class);

  @Test
  void withoutRedisTheCacheManagerKeepsTheRemoteTiersInProcessAndSaysSoOnce(CapturedOutput output) {
    runner.run(
        context -> {
          assertThat(context)
              .hasSingleBean(TieredCacheManager.class)
              .hasSingleBean(CacheManager.class);
          TierStores stores = context.getBean(TierStores.class);
          assertThat(stores.defaultStore().isInProcess()).isTrue();
          assertThat(output).containsOnlyOnce("InMemoryTierStore");
        });
  }

  @Test
  void cacheNamesAreCreatedAtStartupAndOthersOnDemand() {
    runner
        .withPropertyValues("tiered-cache.cache-names=posts,users")
        .run(
            context -> {
              TieredCacheManager manager = context.getBean(TieredCacheManager.class);
              assertThat(manager.getCacheNames()).containsExactlyInAnyOrder("posts", "users");
              assertThat(manager.getCache("other")).isNotNull();
              assertThat(manager.getCacheNames()).contains("other");
            });
  }

  @Test
  void nonDynamicManagerAnswersNullForUnknownNames() {
    runner
        .withPropertyValues("tiered-cache.cache-names=posts", "tiered-cache.dynamic=false")
        .run(
            context -> {
              TieredCacheManager manager = context.getBean(TieredCacheManager.class);
              assertThat(manager.getCache("posts")).isNotNull();
              assertThat(manager.getCache("other")).isNull();
            });
  }

  @Test
  void disabledTurnsEverythingOff() {
    runner
        .withPropertyValues("tiered-cache.enabled=false")
        .run(
            context -> {
              assertThat(context)
                  .doesNotHaveBean(TieredCacheManager.class)
                  .doesNotHaveBean(TierStores.class);
              // Spring Boot's own cache auto-configuration takes over.
              assertThat(context).hasSingleBean(CacheManager.class);
            });
  }

  @Test
  void anApplicationsOwnCacheManagerIsUsedInstead() {
    runner
        .withUserConfiguration(OwnCacheManager.class)
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(TieredCacheManager.class);
              assertThat(context.getBean(CacheManager.class))
                  .isInstanceOf(ConcurrentMapCacheManager.class);
            });
  }

  @Test
  void anApplicationsOwnTieredCacheManagerStoresAndKeyEncoderAreUsed() {
    runner
        .withUserConfiguration(OwnTieredBeans.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(TieredCacheManager.class);
              assertThat(context.getBean(TieredCacheManager.class))
                  .isSameAs(context.getBean("ownManager"));
              assertThat(context.getBean(TierStores.class)).isSameAs(context.getBean("ownStores"));
              assertThat(context.getBean(CacheKeyEncoder.class))
                  .isSameAs(context.getBean("ownEncoder"));
            });
  }

  @Test
  void perCacheSettingsOverrideTheDefaults() {
    runner
        .withPropertyValues(
            "tiered-cache.cache-names=posts,users",
            "tiered-cache.defaults.l0.maximum-size=500",
            "tiered-cache.defaults.l0.expire-after-write=10s",
            "tiered-cache.defaults.ttl-jitter=0.1",
            "tiered-cache.defaults.key-prefix=v1:",
            "tiered-cache.caches.posts.l0.maximum-size=50",
            "tiered-cache.caches.posts.tiers[0].name=fresh",
            "tiered-cache.caches.posts.tiers[0].ttl=30s",
            "tiered-cache.caches.posts.tiers[0].max-age=10m",
            "tiered-cache.caches.posts.tiers[1].name=old",
            "tiered-cache.caches.posts.tiers[1].ttl=2h",
            "tiered-cache.caches.posts.tiers[1].stale-window=1m",
            "tiered-cache.caches.posts.tiers[1].admission-expected-keys=50000",
            "tiered-cache.caches.posts.tiers[1].refresh-ahead=5m",
            "tiered-cache.caches.posts.default-tier=old",
            "tiered-cache.caches.posts.promotion.policy=after-hits",
            "tiered-cache.caches.posts.promotion.hits=3",
            "tiered-cache.caches.posts.promotion.window=30s",
            "tiered-cache.caches.posts.promotion.moving=true",
            "tiered-cache.caches.posts.absent-ttl=15s",
            "tiered-cache.caches.posts.stale-on-error=10m",
            "tiered-cache.caches.posts.soft-load-timeout=200ms",
            "tiered-cache.caches.posts.hard-load-timeout=2s",
            "tiered-cache.caches.posts.load-lease=3s",
            "tiered-cache.caches.posts.early-refresh=1.5",
            "tiered-cache.caches.posts.allow-null-values=false",
            "tiered-cache.caches.posts.key-prefix=p2:",
            "tiered-cache.caches.posts.value-type=" + Post.class.getName())
        .run(
            context -> {
              TieredCacheProperties properties = context.getBean(TieredCacheProperties.class);
              ResolvedCacheSpec posts = properties.resolve("posts");
              assertThat(posts.l0MaximumSize()).isEqualTo(50);
              assertThat(posts.l0ExpireAfterWrite()).isEqualTo(Duration.ofSeconds(10));
              assertThat(posts.ttlJitter()).isEqualTo(0.1);
              assertThat(posts.defaultTier()).isEqualTo("old");
              assertThat(posts.promotion()).isEqualTo(PromotionPolicy.AFTER_HITS);
              assertThat(posts.promotionHits()).isEqualTo(3);
              assertThat(posts.promotionMoving()).isTrue();
              assertThat(posts.promotionSource()).isEqualTo("old");
              assertThat(posts.promotionTarget()).isEqualTo("fresh");
              assertThat(posts.absentTtl()).isEqualTo(Duration.ofSeconds(15));
              assertThat(posts.staleOnError()).isEqualTo(Duration.ofMinutes(10));
              assertThat(posts.softLoadTimeout()).isEqualTo(Duration.ofMillis(200));
              assertThat(posts.hardLoadTimeout()).isEqualTo(Duration.ofSeconds(2));
              assertThat(posts.loadLease()).isEqualTo(Duration.ofSeconds(3));
              assertThat(posts.earlyRefresh()).isEqualTo(1.5);
              assertThat(posts.valueType()).isEqualTo(Post.class.getName());
              ResolvedCacheSpec users = properties.resolve("users");
              assertThat(users.l0MaximumSize()).isEqualTo(500);
              assertThat(users.promotion()).as("the library's default").isNull();
              assertThat(users.promotionMoving()).isFalse();
              assertThat(users.staleOnError()).as("off").isNull();
              assertThat(users.loadLease()).as("the library's default").isNull();
              assertThat(users.earlyRefresh()).as("off").isNull();
              assertThat(users.allowNullValues()).isTrue();

              TieredCacheManager manager = context.getBean(TieredCacheManager.class);
              TieredSpringCache postsCache = manager.getCache("posts");
              assertThat(postsCache.getNativeCache().tiers().asList())
                  .containsExactly(
                      Tier.named("fresh")
                          .ttl(Duration.ofSeconds(30))
                          .maxAge(Duration.ofMinutes(10)),
                      Tier.named("old")
                          .ttl(Duration.ofHours(2))
                          .staleWindow(Duration.ofMinutes(1))
                          .admission(Admission.onSecondRequest(50_000))
                          .refreshAhead(Duration.ofMinutes(5)));
              assertThat(postsCache.isAllowNullValues()).isFalse();
              assertThat(postsCache.encodeKey(7)).isEqualTo("p2:7");
              TieredSpringCache usersCache = manager.getCache("users");
              assertThat(usersCache.getNativeCache().tiers().names())
                  .containsExactly("hot", "warm", "cold");
              assertThat(usersCache.encodeKey(7)).isEqualTo("v1:7");
            });
  }

  @Test
  void customizersSeeEveryCacheInOrderAfterTheProperties() {
    runner
        .withPropertyValues(
            "tiered-cache.cache-names=posts,users", "tiered-cache.caches.posts.tiers[0].name=one")
        .withUserConfiguration(Customizers.class)
        .run(
            context -> {
              Customizers customizers = context.getBean(Customizers.class);
              assertThat(customizers.calls)
                  .containsExactly("first:posts", "second:posts", "first:users", "second:users");
              TieredSpringCache posts = context.getBean(TieredCacheManager.class).getCache("posts");
              // The second customizer replaced the tiers the properties set.
              assertThat(posts.getNativeCache().tiers().names()).containsExactly("only");
            });
  }

  @Test
  void withoutLettuceTheStoresAreInProcessEvenWhenRedisIsConfigured(CapturedOutput output) {
    runner
        .withClassLoader(new FilteredClassLoader("io.lettuce.core"))
        .withPropertyValues("tiered-cache.redis.cluster.nodes=127.0.0.1:1")
        .run(
            context -> {
              assertThat(context.getBean(TierStores.class).defaultStore().isInProcess()).isTrue();
              assertThat(output).contains("Lettuce or cache-redis is not on the class path");
            });
  }

  @Test
  void namedStoresAreInProcessToo() {
    runner
        .withPropertyValues(
            "tiered-cache.stores.archive.host=127.0.0.1",
            "tiered-cache.cache-names=posts",
            "tiered-cache.caches.posts.tiers[0].name=hot",
            "tiered-cache.caches.posts.tiers[0].max-age=1h",
            "tiered-cache.caches.posts.tiers[1].name=cold",
            "tiered-cache.caches.posts.tiers[1].store=archive")
        .withClassLoader(new FilteredClassLoader("io.lettuce.core"))
        .run(
            context -> {
              TierStores stores = context.getBean(TierStores.class);
              assertThat(stores.all())
                  .extracting(s -> s.name())
                  .containsExactly("default", "archive");
              TieredSpringCache posts = context.getBean(TieredCacheManager.class).getCache("posts");
              assertThat(posts.getNativeCache().tiers().get(1).store())
                  .isSameAs(stores.get("archive").store());
              assertThat(posts.getNativeCache().tiers().get(0).store()).isNull();
            });
  }

  /** A value type for value-type. */
  public record Post(long id, String title) {}

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class CachingConfig {}

  @Configuration(proxyBeanMethods = false)
  static class OwnCacheManager {
    @Bean
    CacheManager ownCacheManager() {
      return new ConcurrentMapCacheManager();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnTieredBeans {
    @Bean
    TierStores ownStores() {
      return new TierStores(
          List.of(
              io.github.tieredcache.spring.boot.store.NamedTierStore.inProcess(
                  TierStores.DEFAULT, new io.github.tieredcache.memory.InMemoryTierStore())));
    }

    @Bean
    CacheKeyEncoder ownEncoder() {
      return String::valueOf;
    }

    @Bean
    TieredCacheManager ownManager() {
      return new TieredCacheManager(
          name -> {
            throw new UnsupportedOperationException();
          });
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Customizers {
    final List<String> calls = new ArrayList<>();

    @Bean
    @Order(2)
    TieredCacheCustomizer second() {
      return (name, builder) -> {
        calls.add("second:" + name);
        if (name.equals("posts")) {
          builder.tiers(Tier.named("only"));
        }
      };
    }

    @Bean
    @Order(1)
    TieredCacheCustomizer first() {
      return (name, builder) -> calls.add("first:" + name);
    }
  }
}
