package io.github.tieredcache.spring.boot.autoconfigure;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.registry.InMemoryRegistryStore;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.tieredcache.spring.boot.store.NamedTierStore;
import io.github.tieredcache.spring.boot.store.TierStores;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * Auto-configuration of tiered-cache metrics, when Micrometer is on the class path and the
 * application has a {@link MeterRegistry}: every cache's meters ({@code
 * cache.gets{cache,tier,result}} and the rest, see cache-core's {@code CacheMetrics}) and, with
 * resilience4j-micrometer, the circuit breaker of every store ({@code
 * resilience4j.circuitbreaker.*{name}}).
 */
@AutoConfiguration(
    after = TieredCacheAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"
    })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({MeterRegistry.class, TierStores.class})
public final class TieredCacheMetricsAutoConfiguration {

  /**
   * Binds each cache to the registry; first, so an application's customizer may still change it.
   */
  @Bean
  @Order(0)
  @ConditionalOnMissingBean(name = "tieredCacheMeterBinding")
  TieredCacheCustomizer tieredCacheMeterBinding(MeterRegistry registry) {
    return (cacheName, builder) -> builder.meterRegistry(registry);
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(TaggedCircuitBreakerMetrics.class)
  static class CircuitBreakerMetricsConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "tieredCacheCircuitBreakerMetrics")
    MeterBinder tieredCacheCircuitBreakerMetrics(TierStores stores) {
      InMemoryRegistryStore<CircuitBreaker> breakers = new InMemoryRegistryStore<>();
      for (NamedTierStore store : stores.all()) {
        if (store.circuitBreaker() != null) {
          breakers.putIfAbsent(store.circuitBreaker().getName(), store.circuitBreaker());
        }
      }
      CircuitBreakerRegistry registry =
          CircuitBreakerRegistry.custom().withRegistryStore(breakers).build();
      return TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry);
    }
  }
}
