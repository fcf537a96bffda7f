package io.github.tieredcache.spring.boot.autoconfigure;

import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.memory.InMemoryTierStore;
import io.github.tieredcache.spring.boot.cache.CacheKeyEncoder;
import io.github.tieredcache.spring.boot.cache.DefaultCacheKeyEncoder;
import io.github.tieredcache.spring.boot.cache.Jackson3Mapping;
import io.github.tieredcache.spring.boot.cache.JsonMapping;
import io.github.tieredcache.spring.boot.cache.TieredCacheManager;
import io.github.tieredcache.spring.boot.store.NamedTierStore;
import io.github.tieredcache.spring.boot.store.TierStores;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of tiered caches behind Spring's cache abstraction: a {@link
 * TieredCacheManager} over the configured tier stores, so {@code @Cacheable}, {@code @CachePut} and
 * {@code @CacheEvict} use the L0 and the remote tiers.
 *
 * <p>The stores come from {@link TieredCacheRedisAutoConfiguration} when Redis is configured and
 * Lettuce is present; otherwise every store is an {@link InMemoryTierStore} in this process, and
 * one INFO line says so. An application's own {@link CacheManager} (a {@code TieredCacheManager} or
 * any other), {@link TierStores} or {@link CacheKeyEncoder} replaces the one here. It runs before
 * Spring Boot's cache auto-configuration, which then backs off. {@code tiered-cache.enabled=false},
 * or any {@code spring.cache.type} (Boot has no type for us, so a value there chooses one of
 * Boot's, {@code none} included), turns it all off and leaves Boot's cache auto-configuration in
 * charge: with {@code @EnableCaching}, Boot's cache manager of that type.
 */
@AutoConfiguration(
    beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration",
    afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(CacheManager.class)
@ConditionalOnBooleanProperty(name = "tiered-cache.enabled", matchIfMissing = true)
@Conditional(NoOtherCacheTypeCondition.class)
@EnableConfigurationProperties(TieredCacheProperties.class)
public final class TieredCacheAutoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(TieredCacheAutoConfiguration.class);

  @Bean
  @ConditionalOnMissingBean
  TierStores tieredCacheStores(TieredCacheProperties properties, ApplicationContext context) {
    boolean lettuce =
        ClassUtils.isPresent("io.lettuce.core.RedisClient", context.getClassLoader())
            && ClassUtils.isPresent(
                "io.github.tieredcache.redis.RedisTierStore", context.getClassLoader());
    String reason =
        !lettuce
            ? "Lettuce or cache-redis is not on the class path"
            : "no Redis is configured (tiered-cache.redis.cluster.nodes or .host, or spring.data.redis.*)";
    log.info(
        "Tiered caches keep their remote tiers in this process (InMemoryTierStore): {}", reason);
    List<NamedTierStore> stores = new ArrayList<>();
    stores.add(NamedTierStore.inProcess(TierStores.DEFAULT, new InMemoryTierStore()));
    for (String name : properties.getStores().keySet()) {
      stores.add(NamedTierStore.inProcess(name, new InMemoryTierStore()));
    }
    return new TierStores(stores);
  }

  @Bean
  @ConditionalOnMissingBean
  CacheKeyEncoder tieredCacheKeyEncoder() {
    return DefaultCacheKeyEncoder.INSTANCE;
  }

  /**
   * Jackson 3 with the application's {@code JsonMapper}, when it has one (Boot's, configured by
   * {@code spring.jackson.*}); declared first, so the Jackson 2 default below backs off.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "tools.jackson.databind.json.JsonMapper")
  @ConditionalOnBean(type = "tools.jackson.databind.json.JsonMapper")
  static class Jackson3Configuration {
    @Bean
    @ConditionalOnMissingBean
    JsonMapping tieredCacheJsonMapping(tools.jackson.databind.json.JsonMapper mapper) {
      return new Jackson3Mapping(mapper);
    }
  }

  /** Jackson 2 with cache-core's strict default mapper, without the application's Jackson 3. */
  @Bean
  @ConditionalOnMissingBean
  JsonMapping tieredCacheJackson2Mapping() {
    return JsonMapping.jackson2(JacksonValueCodec.defaultMapper());
  }

  @Bean
  @ConditionalOnMissingBean(CacheManager.class)
  TieredCacheManager cacheManager(
      TieredCacheProperties properties,
      TierStores stores,
      ObjectProvider<TieredCacheCustomizer> customizers,
      CacheKeyEncoder keyEncoder,
      JsonMapping json,
      ApplicationContext context) {
    ClassLoader classLoader = context.getClassLoader();
    ConfiguredCacheFactory factory =
        new ConfiguredCacheFactory(
            properties,
            stores,
            customizers.orderedStream().toList(),
            keyEncoder,
            allowedPackages(properties, context),
            json,
            classLoader != null
                ? classLoader
                : TieredCacheAutoConfiguration.class.getClassLoader());
    return new TieredCacheManager(factory, properties.getCacheNames(), properties.isDynamic());
  }

  /**
   * The packages whose classes a cache without a value-type may store: {@code
   * tiered-cache.allowed-packages}, or when it is empty the application's own packages, as Boot
   * records them for {@code @SpringBootApplication} ({@link AutoConfigurationPackages}), so the
   * application's value classes are cached with no configuration and no other class is.
   */
  static List<String> allowedPackages(
      TieredCacheProperties properties, ApplicationContext context) {
    if (!properties.getAllowedPackages().isEmpty()) {
      return properties.getAllowedPackages();
    }
    BeanFactory beanFactory = context.getAutowireCapableBeanFactory();
    return AutoConfigurationPackages.has(beanFactory)
        ? AutoConfigurationPackages.get(beanFactory)
        : List.of();
  }
}
