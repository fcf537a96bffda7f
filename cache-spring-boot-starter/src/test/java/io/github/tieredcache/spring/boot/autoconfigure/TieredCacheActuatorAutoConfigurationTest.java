package io.github.tieredcache.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.tieredcache.memory.InMemoryTierStore;
import io.github.tieredcache.spring.boot.actuate.TieredCacheEndpoint;
import io.github.tieredcache.spring.boot.actuate.TieredCacheEndpoint.CacheDescriptor;
import io.github.tieredcache.spring.boot.cache.TieredCacheManager;
import io.github.tieredcache.spring.boot.store.NamedTierStore;
import io.github.tieredcache.spring.boot.store.TierStores;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The endpoint, health contributor and metrics, and their conditions. */
class TieredCacheActuatorAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  TieredCacheAutoConfiguration.class,
                  TieredCacheEndpointAutoConfiguration.class,
                  TieredCacheHealthAutoConfiguration.class,
                  TieredCacheMetricsAutoConfiguration.class,
                  EndpointAutoConfiguration.class,
                  MetricsAutoConfiguration.class,
                  SimpleMetricsExportAutoConfiguration.class,
                  CompositeMeterRegistryAutoConfiguration.class))
          .withPropertyValues(
              "tiered-cache.cache-names=posts",
              "management.endpoints.web.exposure.include=tieredcache");

  @Test
  void endpointListsCachesTiersAndStoresAndClearsOneCache() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(TieredCacheEndpoint.class);
          TieredCacheEndpoint endpoint = context.getBean(TieredCacheEndpoint.class);
          var cache = context.getBean(TieredCacheManager.class).getCache("posts");
          cache.put("1", "one");
          assertThat(cache.get("1").get()).isEqualTo("one");

          var all = endpoint.caches();
          assertThat(all.caches()).containsOnlyKeys("posts");
          assertThat(all.stores()).containsOnlyKeys("default");
          CacheDescriptor posts = endpoint.cache("posts");
          assertThat(posts.tiers())
              .extracting(t -> t.name())
              .containsExactly("l0", "hot", "warm", "cold");
          assertThat(posts.tiers().get(0).hits()).isEqualTo(1);
          assertThat(posts.l0Size()).isEqualTo(1);
          assertThat(posts.store()).isEqualTo("default");
          assertThat(endpoint.cache("unknown")).isNull();

          assertThat(endpoint.clear("posts")).isTrue();
          assertThat(cache.get("1")).isNull();
          assertThat(endpoint.clear("unknown")).isFalse();
        });
  }

  @Test
  void endpointIsAbsentWhenNotExposed() {
    runner
        .withPropertyValues("management.endpoints.web.exposure.include=health")
        .run(context -> assertThat(context).doesNotHaveBean(TieredCacheEndpoint.class));
  }

  @Test
  void withoutTheActuatorThereIsNoEndpointAndNoHealth() {
    runner
        .withClassLoader(new FilteredClassLoader(Endpoint.class, HealthContributor.class))
        .run(
            context -> {
              assertThat(context).hasSingleBean(TieredCacheManager.class);
              assertThat(context).doesNotHaveBean(TieredCacheEndpoint.class);
              assertThat(context).doesNotHaveBean("tieredCacheHealthContributor");
            });
  }

  @Test
  void healthReportsEachStoreUpWithDetails() {
    runner.run(
        context -> {
          CompositeHealthContributor health =
              context.getBean("tieredCacheHealthContributor", CompositeHealthContributor.class);
          Health store = ((HealthIndicator) health.getContributor("default")).health();
          assertThat(store.getStatus()).isEqualTo(Status.UP);
          assertThat(store.getDetails())
              .containsEntry("reachable", true)
              .containsEntry("store", "in-process");
        });
  }

  @Test
  void anUnreachableStoreIsUpWithDetailsUnlessConfiguredDown() {
    ApplicationContextRunner unreachable = runner.withUserConfiguration(UnreachableStore.class);
    unreachable.run(
        context -> {
          Health store =
              storeHealth(
                  context.getBean(
                      "tieredCacheHealthContributor", CompositeHealthContributor.class));
          assertThat(store.getStatus()).isEqualTo(Status.UP);
          assertThat(store.getDetails())
              .containsEntry("reachable", false)
              .containsEntry("circuitBreaker", "CLOSED")
              .containsKey("error");
        });
    unreachable
        .withPropertyValues("tiered-cache.health.down-when-unreachable=true")
        .run(
            context -> {
              Health store =
                  storeHealth(
                      context.getBean(
                          "tieredCacheHealthContributor", CompositeHealthContributor.class));
              assertThat(store.getStatus()).isEqualTo(Status.DOWN);
            });
  }

  @Test
  void anOpenBreakerIsDownWhenConfiguredSo() {
    runner
        .withUserConfiguration(UnreachableStore.class)
        .withPropertyValues("tiered-cache.health.down-when-unreachable=true")
        .run(
            context -> {
              context
                  .getBean(TierStores.class)
                  .defaultStore()
                  .circuitBreaker()
                  .transitionToOpenState();
              Health store =
                  storeHealth(
                      context.getBean(
                          "tieredCacheHealthContributor", CompositeHealthContributor.class));
              assertThat(store.getDetails()).containsEntry("circuitBreaker", "OPEN");
              assertThat(store.getStatus()).isEqualTo(Status.DOWN);
            });
  }

  @Test
  void healthCanBeSwitchedOff() {
    runner
        .withPropertyValues("management.health.tieredcache.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("tieredCacheHealthContributor"));
  }

  @Test
  void cachesAndBreakersAreBoundToTheMeterRegistry() {
    runner
        .withUserConfiguration(UnreachableStore.class)
        .run(
            context -> {
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(
                      registry
                          .find("cache.gets")
                          .tags("cache", "posts", "tier", "hot")
                          .functionCounters())
                  .isNotEmpty();
              assertThat(
                      registry
                          .find("resilience4j.circuitbreaker.state")
                          .tag("name", "tiered-cache-default")
                          .gauges())
                  .isNotEmpty();
            });
  }

  @Test
  void withoutMicrometerThereAreNoMetrics() {
    // Spring Boot's own metrics auto-configuration needs Micrometer too, so it is left out here.
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                TieredCacheAutoConfiguration.class, TieredCacheMetricsAutoConfiguration.class))
        .withUserConfiguration(UnreachableStore.class)
        .withBean(io.micrometer.core.instrument.simple.SimpleMeterRegistry.class)
        .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(
            context -> {
              assertThat(context).hasSingleBean(TieredCacheManager.class);
              assertThat(context).doesNotHaveBean("tieredCacheMeterBinding");
              assertThat(context).doesNotHaveBean("tieredCacheCircuitBreakerMetrics");
            });
  }

  @Test
  void withoutResilience4jMicrometerCachesAreStillMeasured() {
    runner
        .withClassLoader(new FilteredClassLoader("io.github.resilience4j.micrometer"))
        .run(
            context -> {
              assertThat(context).hasBean("tieredCacheMeterBinding");
              assertThat(context).doesNotHaveBean("tieredCacheCircuitBreakerMetrics");
            });
  }

  private static Health storeHealth(CompositeHealthContributor health) {
    return ((HealthIndicator) health.getContributor("default")).health();
  }

  /** A store whose probe fails, behind a breaker, standing in for an unreachable Redis. */
  @Configuration(proxyBeanMethods = false)
  static class UnreachableStore {
    @Bean
    TierStores unreachableStores() {
      CircuitBreaker breaker = CircuitBreaker.ofDefaults("tiered-cache-default");
      return new TierStores(
          List.of(
              new NamedTierStore(
                  TierStores.DEFAULT,
                  new InMemoryTierStore(),
                  breaker,
                  "redis 127.0.0.1:1",
                  () ->
                      CompletableFuture.failedFuture(
                          new IllegalStateException("connection refused")))));
    }
  }
}
