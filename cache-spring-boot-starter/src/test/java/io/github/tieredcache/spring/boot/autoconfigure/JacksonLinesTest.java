package io.github.tieredcache.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.memory.InMemoryTierStore;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spring.boot.cache.Jackson3Mapping;
import io.github.tieredcache.spring.boot.cache.JsonMapping;
import io.github.tieredcache.spring.boot.cache.TieredCacheManager;
import io.github.tieredcache.spring.boot.store.TierStores;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * With Boot's Jackson 3 {@code JsonMapper}, cached values are written by it, so {@code
 * spring.jackson.*} applies to them; without Jackson 3, by cache-core's Jackson 2 mapper.
 */
class JacksonLinesTest {

  public record Post(long id, String title, Instant createdAt) {}

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  JacksonAutoConfiguration.class, TieredCacheAutoConfiguration.class))
          .withUserConfiguration(App.class)
          .withPropertyValues("tiered-cache.cache-names=posts");

  @Test
  void springJacksonSettingsReachTheCachedValues() {
    runner
        .withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE")
        .run(
            context -> {
              assertThat(context.getBean(JsonMapping.class)).isInstanceOf(Jackson3Mapping.class);
              Post post = new Post(1, "hello", Instant.parse("2026-01-01T00:00:00Z"));
              var cache = context.getBean(TieredCacheManager.class).getCache("posts");
              cache.put(1L, post);

              String copy = copyOf(context.getBean(TierStores.class), "1");
              assertThat(copy).contains("json3-class", "\"created_at\":\"2026-01-01T00:00:00Z\"");
              cache.getNativeCache().local().invalidateAll();
              assertThat(cache.get(1L, Post.class)).as("read back from the tier").isEqualTo(post);
            });
  }

  @Test
  void aGenericValueTypeUsesJackson3Too() {
    runner
        .withPropertyValues(
            "spring.jackson.property-naming-strategy=SNAKE_CASE",
            "tiered-cache.caches.posts.value-type=java.util.List<" + Post.class.getName() + ">")
        .run(
            context -> {
              var cache = context.getBean(TieredCacheManager.class).getCache("posts");
              cache.put(1L, List.of(new Post(1, "a", Instant.EPOCH)));
              assertThat(copyOf(context.getBean(TierStores.class), "1"))
                  .contains("json3:", "created_at");
            });
  }

  @Test
  void withoutJackson3TheCopiesAreJackson2s() {
    runner
        .withClassLoader(new FilteredClassLoader(JsonMapper.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(JsonMapping.class))
                  .isNotInstanceOf(Jackson3Mapping.class)
                  .returns("json", JsonMapping::name);
              var cache = context.getBean(TieredCacheManager.class).getCache("posts");
              cache.put(1L, new Post(1, "hello", Instant.EPOCH));
              assertThat(copyOf(context.getBean(TierStores.class), "1"))
                  .contains("json-class", "\"createdAt\"");
            });
  }

  /** The bytes of the key's copy in the in-process store (envelope and JSON), as text. */
  private static String copyOf(TierStores stores, String key) {
    InMemoryTierStore store = (InMemoryTierStore) stores.defaultStore().store();
    byte[] copy =
        store
            .read(
                Namespace.of("posts", List.of("hot", "warm", "cold")),
                key.getBytes(StandardCharsets.UTF_8))
            .join()
            .copy();
    assertThat(copy).as("a copy of " + key).isNotNull();
    return new String(copy, StandardCharsets.ISO_8859_1);
  }

  @Configuration(proxyBeanMethods = false)
  @AutoConfigurationPackage
  static class App {}
}
