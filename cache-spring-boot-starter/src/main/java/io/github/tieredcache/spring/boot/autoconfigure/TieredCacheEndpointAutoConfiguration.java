package io.github.tieredcache.spring.boot.autoconfigure;

import io.github.tieredcache.spring.boot.actuate.TieredCacheEndpoint;
import io.github.tieredcache.spring.boot.actuate.TieredCacheEndpointWebExtension;
import io.github.tieredcache.spring.boot.cache.TieredCacheManager;
import io.github.tieredcache.spring.boot.store.TierStores;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code tieredcache} actuator endpoint, when the actuator is on the
 * class path, the endpoint is available (exposed and enabled) and there is a {@link
 * TieredCacheManager}.
 */
@AutoConfiguration(after = TieredCacheAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean({TieredCacheManager.class, TierStores.class})
public final class TieredCacheEndpointAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnAvailableEndpoint
  TieredCacheEndpoint tieredCacheEndpoint(TieredCacheManager cacheManager, TierStores stores) {
    return new TieredCacheEndpoint(cacheManager, stores);
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(TieredCacheEndpoint.class)
  @ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
  TieredCacheEndpointWebExtension tieredCacheEndpointWebExtension(TieredCacheEndpoint endpoint) {
    return new TieredCacheEndpointWebExtension(endpoint);
  }
}
