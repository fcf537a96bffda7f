package io.github.tieredcache.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tieredcache.spring.boot.cache.TieredCacheManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.Cache;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.CacheErrorHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** {@code @Cacheable} and friends through the auto-configured manager, on the in-process store. */
@ExtendWith(OutputCaptureExtension.class)
class CachingWithInMemoryStoreTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  TieredCacheAutoConfiguration.class, TieredCacheMetricsAutoConfiguration.class))
          .withPropertyValues(
              "tiered-cache.cache-names=posts",
              "tiered-cache.allowed-packages=io.github.tieredcache.spring.boot.autoconfigure")
          .withUserConfiguration(App.class);

  @Test
  void cacheableLoadsOnceAndCacheEvictDropsTheEntry() {
    runner.run(
        context -> {
          Posts posts = context.getBean(Posts.class);
          assertThat(posts.find(1)).isEqualTo(new Post(1, "post 1"));
          assertThat(posts.find(1)).isEqualTo(new Post(1, "post 1"));
          assertThat(posts.loads()).hasValue(1);

          posts.evict(1);
          posts.find(1);
          assertThat(posts.loads()).hasValue(2);
        });
  }

  @Test
  void withoutAllowedPackagesTheApplicationsOwnPackagesAreAllowed() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(TieredCacheAutoConfiguration.class))
        .withUserConfiguration(
            BootApp.class) // @AutoConfigurationPackage, as @SpringBootApplication
        .run(
            context -> {
              Posts posts = context.getBean(Posts.class);
              assertThat(posts.find(1)).isEqualTo(new Post(1, "post 1"));
              assertThat(posts.find(1)).isEqualTo(new Post(1, "post 1"));
              assertThat(posts.loads()).as("cached with no configuration at all").hasValue(1);
            });
  }

  @Test
  void withoutAllowedPackagesNorAnApplicationPackageTheRefusalIsLoggedOnceNamingTheSettings(
      CapturedOutput output) {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(TieredCacheAutoConfiguration.class))
        .withUserConfiguration(App.class)
        .run(
            context -> {
              Posts posts = context.getBean(Posts.class);
              for (int i = 0; i < 5; i++) {
                assertThat(posts.find(1)).as("the request never fails").isNotNull();
              }
              assertThat(posts.loads()).as("nothing is cached").hasValue(5);
              assertThat(output)
                  .containsOnlyOnce(
                      "a " + Post.class.getName() + " is not cached: " + Post.class.getName())
                  .contains("tiered-cache.allowed-packages")
                  .contains("value-type")
                  .doesNotContain("at io.github.tieredcache");
            });
  }

  @Test
  void cachePutReplacesTheValueAndEvictAllEntriesClearsTheCache() {
    runner.run(
        context -> {
          Posts posts = context.getBean(Posts.class);
          posts.find(1);
          posts.find(2);
          posts.update(new Post(1, "edited"));
          assertThat(posts.find(1).title()).isEqualTo("edited");
          assertThat(posts.loads()).hasValue(2);

          posts.evictAll();
          posts.find(1);
          posts.find(2);
          assertThat(posts.loads()).hasValue(4);
        });
  }

  @Test
  void syncCacheableSharesTheLoadAndUnwrapsTheLoadersException() {
    runner.run(
        context -> {
          Posts posts = context.getBean(Posts.class);
          assertThat(posts.findSync(3)).isEqualTo(new Post(3, "post 3"));
          assertThat(posts.findSync(3)).isEqualTo(new Post(3, "post 3"));
          assertThat(posts.loads()).hasValue(1);

          assertThatThrownBy(() -> posts.findSync(-1))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessage("no post -1");
          assertThat(posts.findSync(3)).isNotNull();
        });
  }

  @Test
  void aNullResultIsCachedAsNullValue() {
    runner.run(
        context -> {
          Posts posts = context.getBean(Posts.class);
          assertThat(posts.findMaybe(404)).isNull();
          assertThat(posts.findMaybe(404)).isNull();
          assertThat(posts.findMaybeSync(405)).isNull();
          assertThat(posts.findMaybeSync(405)).isNull();
          assertThat(posts.loads()).hasValue(2);
        });
  }

  @Test
  void aNullResultIsNotCachedWhenNullsAreNotAllowed() {
    runner
        .withPropertyValues("tiered-cache.defaults.allow-null-values=false")
        .run(
            context -> {
              Posts posts = context.getBean(Posts.class);
              assertThat(posts.findMaybeSync(404)).isNull();
              assertThat(posts.findMaybeSync(404)).isNull();
              assertThat(posts.loads()).hasValue(2);
            });
  }

  @Test
  void aNullResultIsRememberedAsAbsentForTheAbsentTtl() {
    runner
        .withPropertyValues(
            "tiered-cache.defaults.allow-null-values=false", "tiered-cache.defaults.absent-ttl=1m")
        .run(
            context -> {
              Posts posts = context.getBean(Posts.class);
              assertThat(posts.findMaybeSync(404)).isNull();
              assertThat(posts.findMaybeSync(404)).isNull();
              assertThat(posts.loads()).hasValue(1);
            });
  }

  @Test
  void aValueTheCodecRefusesIsNotCachedAndNeverReachesTheErrorHandler() {
    runner
        .withUserConfiguration(RecordingErrorHandler.class)
        .run(
            context -> {
              Posts posts = context.getBean(Posts.class);
              assertThat(posts.notAllowed(1)).isInstanceOf(Opaque.class);
              assertThat(posts.notAllowed(1)).isInstanceOf(Opaque.class);
              RecordingErrorHandler handler = context.getBean(RecordingErrorHandler.class);
              assertThat(handler.errors).isEmpty();
            });
  }

  @Test
  void aCachePutOfARefusedValueDropsThePreviousOne() {
    runner.run(
        context -> {
          Posts posts = context.getBean(Posts.class);
          Cache cache = context.getBean(TieredCacheManager.class).getCache("posts");
          cache.put(9L, new Post(9, "old"));
          cache.put(9L, new Opaque());
          assertThat(cache.get(9L)).as("the old value is not left behind").isNull();
          assertThat(posts.find(9).title()).isEqualTo("post 9");
        });
  }

  @Test
  void everyCacheIsBoundToTheMeterRegistry() {
    runner.run(
        context -> {
          Posts posts = context.getBean(Posts.class);
          posts.find(1);
          posts.find(1);
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          assertThat(
                  registry
                      .get("cache.gets")
                      .tags("cache", "posts", "tier", "l0", "result", "hit")
                      .functionCounter()
                      .count())
              .isEqualTo(1.0);
          assertThat(
                  registry
                      .get("cache.gets")
                      .tags("cache", "posts", "tier", "hot")
                      .functionCounters())
              .isNotEmpty();
        });
  }

  @Test
  void theManagerIsTheCacheManagerOfTheCachingInfrastructure() {
    runner.run(
        context -> {
          TieredCacheManager manager = context.getBean(TieredCacheManager.class);
          context.getBean(Posts.class).find(9);
          Cache cache = manager.getCache("posts");
          assertThat(cache.get(9L, Post.class)).isEqualTo(new Post(9, "post 9"));
        });
  }

  /** A cached value. */
  public record Post(long id, String title) {}

  /** A value outside the allowed packages. */
  static class Opaque {}

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class App {
    @Bean
    Posts posts() {
      return new Posts();
    }

    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @AutoConfigurationPackage
  @Import(App.class)
  static class BootApp {}

  @Configuration(proxyBeanMethods = false)
  static class RecordingErrorHandler implements CachingConfigurer, CacheErrorHandler {
    final List<RuntimeException> errors = new ArrayList<>();

    @Override
    public CacheErrorHandler errorHandler() {
      return this;
    }

    @Override
    public void handleCacheGetError(RuntimeException e, Cache cache, Object key) {
      errors.add(e);
    }

    @Override
    public void handleCachePutError(
        RuntimeException e, Cache cache, Object key, @Nullable Object value) {
      errors.add(e);
    }

    @Override
    public void handleCacheEvictError(RuntimeException e, Cache cache, Object key) {
      errors.add(e);
    }

    @Override
    public void handleCacheClearError(RuntimeException e, Cache cache) {
      errors.add(e);
    }
  }

  static class Posts {
    final AtomicInteger loads = new AtomicInteger();

    /** Returns the load counter (through a method: the caching proxy has no state of its own). */
    public AtomicInteger loads() {
      return loads;
    }

    @Cacheable("posts")
    public Post find(long id) {
      loads.incrementAndGet();
      return new Post(id, "post " + id);
    }

    @Cacheable(cacheNames = "posts", key = "'sync:' + #id", sync = true)
    public Post findSync(long id) {
      loads.incrementAndGet();
      if (id < 0) {
        throw new IllegalArgumentException("no post " + id);
      }
      return new Post(id, "post " + id);
    }

    @Cacheable(cacheNames = "posts", key = "'maybe:' + #id")
    public @Nullable Post findMaybe(long id) {
      loads.incrementAndGet();
      return null;
    }

    @Cacheable(cacheNames = "posts", key = "'maybe-sync:' + #id", sync = true)
    public @Nullable Post findMaybeSync(long id) {
      loads.incrementAndGet();
      return null;
    }

    @Cacheable(cacheNames = "posts", key = "'opaque:' + #id")
    public Object notAllowed(long id) {
      return new Opaque();
    }

    @CachePut(cacheNames = "posts", key = "#post.id")
    public Post update(Post post) {
      return post;
    }

    @CacheEvict("posts")
    public void evict(long id) {}

    @CacheEvict(cacheNames = "posts", allEntries = true)
    public void evictAll() {}
  }
}
