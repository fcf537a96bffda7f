package io.github.tieredcache.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.tieredcache.memory.InMemoryTierStore;
import io.github.tieredcache.resilience.ResilientTierStore;
import io.github.tieredcache.resilience.ResilientTierStoreOptions;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spring.boot.actuate.TieredCacheEndpoint;
import io.github.tieredcache.spring.boot.actuate.TieredCacheEndpoint.CacheDescriptor;
import io.github.tieredcache.spring.boot.actuate.TieredCacheEndpoint.ClearDescriptor;
import io.github.tieredcache.spring.boot.cache.TieredCacheManager;
import io.github.tieredcache.spring.boot.store.NamedTierStore;
import io.github.tieredcache.spring.boot.store.TierStores;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
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

          assertThat(endpoint.clear("posts"))
              .as("the in-process store clears at once")
              .returns("cleared", ClearDescriptor::status);
          assertThat(cache.get("1")).isNull();
          assertThat(endpoint.clear("unknown")).as("404").isNull();
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

  @Test
  void aClearWhileTheStoreFailsAnswersQueuedAndRunsWhenItAnswers() {
    runner
        .withUserConfiguration(StoreThatFailsClears.class)
        .withPropertyValues(
            "tiered-cache.cache-names=posts", "management.endpoints.web.exposure.include=*")
        .run(
            context -> {
              TieredCacheEndpoint endpoint = context.getBean(TieredCacheEndpoint.class);
              StoreThatFailsClears failing = context.getBean(StoreThatFailsClears.class);
              var cache = context.getBean(TieredCacheManager.class).getCache("posts");
              cache.put("1", "one");

              failing.failClears.set(true);
              ClearDescriptor queued = endpoint.clear("posts");
              assertThat(queued.status()).isEqualTo("queued");
              assertThat(queued.detail()).contains("waits");
              assertThat(cache.get("1")).as("the L0 is cleared at once").isNull();

              failing.failClears.set(false);
              await()
                  .atMost(Duration.ofSeconds(10))
                  .until(() -> failing.resilient.pendingInvalidations() == 0);
              assertThat(endpoint.clear("posts").status()).isEqualTo("cleared");
            });
  }

  private static Health storeHealth(CompositeHealthContributor health) {
    return ((HealthIndicator) health.getContributor("default")).health();
  }

  /**
   * An in-memory store whose clears fail while {@code failClears} is set, behind a breaker, as a
   * Redis that does not answer.
   */
  @Configuration(proxyBeanMethods = false)
  static class StoreThatFailsClears {
    final AtomicBoolean failClears = new AtomicBoolean();
    final ResilientTierStore resilient =
        ResilientTierStore.wrap(
            failingClears(new InMemoryTierStore(), failClears),
            ResilientTierStoreOptions.builder().replayRetryInterval(Duration.ofMillis(50)).build());

    @Bean
    TierStores failingClearStores() {
      return new TierStores(
          List.of(
              new NamedTierStore(
                  TierStores.DEFAULT,
                  resilient,
                  resilient.circuitBreaker(),
                  "redis 127.0.0.1:1",
                  () -> CompletableFuture.completedFuture(null))));
    }

    private static TierStore failingClears(TierStore store, AtomicBoolean fail) {
      return (TierStore)
          Proxy.newProxyInstance(
              TierStore.class.getClassLoader(),
              new Class<?>[] {TierStore.class},
              (proxy, method, args) -> {
                if (method.getName().equals("clear") && fail.get()) {
                  return CompletableFuture.failedFuture(new IllegalStateException("no answer"));
                }
                try {
                  return method.invoke(store, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }
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
