package io.github.tieredcache.spring.boot.autoconfigure;

import io.github.tieredcache.spring.boot.actuate.TierStoreHealthIndicator;
import io.github.tieredcache.spring.boot.store.NamedTierStore;
import io.github.tieredcache.spring.boot.store.TierStores;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code tieredCache} health contributor: one {@link
 * TierStoreHealthIndicator} per tier store, when Spring Boot's health support is on the class path
 * and {@code management.health.tieredcache.enabled} is not false.
 */
@AutoConfiguration(
    after = TieredCacheAutoConfiguration.class,
    beforeName =
        "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass({HealthContributor.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(TierStores.class)
@ConditionalOnEnabledHealthIndicator("tieredcache")
public final class TieredCacheHealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "tieredCacheHealthContributor")
  CompositeHealthContributor tieredCacheHealthContributor(
      TierStores stores, TieredCacheProperties properties) {
    Map<String, HealthContributor> indicators = new LinkedHashMap<>();
    for (NamedTierStore store : stores.all()) {
      indicators.put(
          store.name(),
          new TierStoreHealthIndicator(
              store,
              properties.getHealth().isDownWhenUnreachable(),
              properties.getHealth().getTimeout()));
    }
    return CompositeHealthContributor.fromMap(indicators);
  }
}
