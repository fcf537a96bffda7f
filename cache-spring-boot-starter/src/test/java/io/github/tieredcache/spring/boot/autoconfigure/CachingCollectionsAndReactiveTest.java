package io.github.tieredcache.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Methods returning a {@code List}, a {@code Map}, a {@code Flux} (which Spring collects into a
 * list) or a {@code Mono} are cached, with their element type, with no {@code value-type} (the
 * class-tagged codec records the element class) and with a generic one ({@code
 * java.util.List<...Post>}). Each read after the first is answered from the cache, as an instance
 * of the element class, not a JSON map.
 */
class CachingCollectionsAndReactiveTest {

  private static final String POST =
      "io.github.tieredcache.spring.boot.autoconfigure.CachingCollectionsAndReactiveTest$Post";

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(TieredCacheAutoConfiguration.class))
          .withUserConfiguration(App.class);

  @ParameterizedTest(name = "value-type: {0}")
  @ValueSource(strings = {"", "java.util.List<" + POST + ">"})
  void aListResultIsCachedWithItsElementType(String valueType) {
    runner
        .withPropertyValues(valueTypeOf("latest", valueType))
        .run(
            context -> {
              Feed feed = context.getBean(Feed.class);
              assertThat(feed.latest()).containsExactly(new Post(1, "one"), new Post(2, "two"));
              List<Post> again = feed.latest();
              assertThat(again).containsExactly(new Post(1, "one"), new Post(2, "two"));
              assertThat(again.get(0)).isInstanceOf(Post.class);
              assertThat(feed.loads()).hasValue(1);
            });
  }

  @ParameterizedTest(name = "value-type: {0}")
  @ValueSource(strings = {"", "java.util.List<" + POST + ">"})
  void aFluxResultIsCachedAsTheListSpringCollects(String valueType) {
    runner
        .withPropertyValues(valueTypeOf("stream", valueType))
        .run(
            context -> {
              Feed feed = context.getBean(Feed.class);
              assertThat(feed.stream().collectList().block())
                  .containsExactly(new Post(1, "one"), new Post(2, "two"));
              List<Post> again = feed.stream().collectList().block();
              assertThat(again).containsExactly(new Post(1, "one"), new Post(2, "two"));
              assertThat(feed.loads()).hasValue(1);
            });
  }

  @ParameterizedTest(name = "value-type: {0}")
  @ValueSource(strings = {"", POST})
  void aMonoResultIsCachedAsItsValue(String valueType) {
    runner
        .withPropertyValues(valueTypeOf("one", valueType))
        .run(
            context -> {
              Feed feed = context.getBean(Feed.class);
              assertThat(feed.one(7).block()).isEqualTo(new Post(7, "post 7"));
              assertThat(feed.one(7).block()).isEqualTo(new Post(7, "post 7"));
              assertThat(feed.loads()).hasValue(1);
            });
  }

  @ParameterizedTest(name = "value-type: {0}")
  @ValueSource(strings = {"", "java.util.Map<java.lang.String," + POST + ">"})
  void aMapResultIsCachedWithItsValueType(String valueType) {
    runner
        .withPropertyValues(valueTypeOf("byTitle", valueType))
        .run(
            context -> {
              Feed feed = context.getBean(Feed.class);
              assertThat(feed.byTitle()).containsEntry("one", new Post(1, "one"));
              Map<String, Post> again = feed.byTitle();
              assertThat(again.get("one")).isInstanceOf(Post.class);
              assertThat(feed.loads()).hasValue(1);
            });
  }

  private static String valueTypeOf(String cache, String valueType) {
    return valueType.isEmpty()
        ? "tiered-cache.cache-names=" + cache
        : "tiered-cache.caches." + cache + ".value-type=" + valueType;
  }

  /** A value class in the application's package. */
  public record Post(long id, String title) {}

  /** A service whose cached methods return collections and reactive types. */
  public static class Feed {
    private final AtomicInteger loads = new AtomicInteger();

    @Cacheable("latest")
    public List<Post> latest() {
      loads.incrementAndGet();
      return List.of(new Post(1, "one"), new Post(2, "two"));
    }

    @Cacheable("stream")
    public Flux<Post> stream() {
      return Flux.defer(
          () -> {
            loads.incrementAndGet();
            return Flux.just(new Post(1, "one"), new Post(2, "two"));
          });
    }

    @Cacheable("one")
    public Mono<Post> one(long id) {
      return Mono.fromSupplier(
          () -> {
            loads.incrementAndGet();
            return new Post(id, "post " + id);
          });
    }

    @Cacheable("byTitle")
    public Map<String, Post> byTitle() {
      loads.incrementAndGet();
      return Map.of("one", new Post(1, "one"), "two", new Post(2, "two"));
    }

    AtomicInteger loads() {
      return loads;
    }
  }

  /** As {@code @SpringBootApplication} would: this package is the application's. */
  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  @AutoConfigurationPackage
  static class App {
    @Bean
    Feed feed() {
      return new Feed();
    }
  }
}
