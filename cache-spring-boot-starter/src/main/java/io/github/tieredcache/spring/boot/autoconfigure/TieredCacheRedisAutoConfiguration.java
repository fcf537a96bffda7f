package io.github.tieredcache.spring.boot.autoconfigure;

import io.github.tieredcache.redis.RedisTierStore;
import io.github.tieredcache.redis.RedisTierStoreBuilder;
import io.github.tieredcache.redis.RedisTierStoreOptions;
import io.github.tieredcache.resilience.ResilientTierStore;
import io.github.tieredcache.resilience.ResilientTierStoreOptions;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spring.boot.autoconfigure.TieredCacheProperties.RedisConnection;
import io.github.tieredcache.spring.boot.store.NamedTierStore;
import io.github.tieredcache.spring.boot.store.TierStores;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Auto-configuration of the Redis tier stores, when Lettuce and cache-redis are on the class path
 * and a Redis is configured: {@code tiered-cache.redis.cluster.nodes} or {@code .host}, Spring
 * Boot's {@code spring.data.redis.*}, or a {@code DataRedisConnectionDetails} bean (a
 * {@code @ServiceConnection}, Docker Compose support, the application's own), in that order; see
 * {@link RedisTarget#ofDefault}.
 *
 * <p>It creates one Lettuce {@link ClientResources} and one client for the default store ({@link
 * RedisClusterClient} or {@link RedisClient}), both shut down with the context and both replaced by
 * an application's own bean of that type; one {@link RedisTierStore} per target (the default plus
 * each {@code tiered-cache.stores.<name>}, whose clients share the resources), each wrapped in a
 * {@link ResilientTierStore} configured by {@code tiered-cache.circuit-breaker.*}. This is the only
 * class of the starter that touches Lettuce.
 */
@AutoConfiguration(
    before = TieredCacheAutoConfiguration.class,
    afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass({RedisClient.class, RedisTierStore.class})
@ConditionalOnBooleanProperty(name = "tiered-cache.enabled", matchIfMissing = true)
@Conditional({
  NoOtherCacheTypeCondition.class,
  TieredCacheRedisAutoConfiguration.RedisConfiguredCondition.class
})
@EnableConfigurationProperties(TieredCacheProperties.class)
public final class TieredCacheRedisAutoConfiguration {

  private static final Logger log =
      LoggerFactory.getLogger(TieredCacheRedisAutoConfiguration.class);

  /** What the health probe reads: a key no cache uses. */
  private static final Namespace PROBE_NAMESPACE =
      Namespace.of("tiered-cache-health", List.of("probe"));

  private static final byte[] PROBE_KEY = "probe".getBytes(StandardCharsets.US_ASCII);

  /**
   * The Lettuce resources, unless the application (or Boot's Redis auto-configuration, which runs
   * first) has some; Boot's {@code ClientResourcesBuilderCustomizer}s apply to these too.
   */
  @Bean(destroyMethod = "shutdown")
  @ConditionalOnMissingBean
  ClientResources tieredCacheClientResources(ApplicationContext context) {
    ClientResources.Builder builder =
        DefaultClientResources.builder()
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(10),
                    RedisTierStoreOptions.DEFAULT_MAX_RECONNECT_DELAY,
                    2,
                    TimeUnit.MILLISECONDS));
    if (BootRedisConnection.isPresent(context.getClassLoader())) {
      BootRedisConnection.customize(context, builder);
    }
    return builder.build();
  }

  /** Boot's connection details, as the starter's settings, or {@code null} without them. */
  private static @Nullable RedisConnection bootConnection(ApplicationContext context) {
    return BootRedisConnection.isPresent(context.getClassLoader())
        ? BootRedisConnection.connection(context)
        : null;
  }

  @Bean(destroyMethod = "shutdown")
  @ConditionalOnMissingBean(AbstractRedisClient.class)
  AbstractRedisClient tieredCacheRedisClient(
      ClientResources resources,
      TieredCacheProperties properties,
      Environment environment,
      ApplicationContext context) {
    RedisTarget target =
        RedisTarget.ofDefault(properties.getRedis(), environment, bootConnection(context));
    RedisTierStoreOptions options = storeOptions(properties.getRedis(), target);
    if (target.isCluster()) {
      RedisClusterClient client = RedisClusterClient.create(resources, target.clusterNodes());
      client.setOptions(options.toClusterClientOptions());
      return client;
    }
    RedisClient client = RedisClient.create(resources);
    client.setOptions(options.toClientOptions());
    return client;
  }

  @Bean
  @ConditionalOnMissingBean
  TierStores tieredCacheStores(
      AbstractRedisClient client,
      ClientResources resources,
      TieredCacheProperties properties,
      Environment environment,
      ApplicationContext context) {
    List<NamedTierStore> stores = new ArrayList<>();
    RedisTarget target =
        RedisTarget.ofDefault(properties.getRedis(), environment, bootConnection(context));
    RedisTierStoreOptions options = storeOptions(properties.getRedis(), target);
    RedisTierStoreBuilder builder =
        client instanceof RedisClusterClient cluster
            ? RedisTierStore.using(cluster)
            : RedisTierStore.using((RedisClient) client, defaultUri(target));
    String description =
        client instanceof RedisClusterClient && !target.isCluster()
            ? "redis-cluster (application client)"
            : target.description();
    stores.add(
        guard(TierStores.DEFAULT, builder.options(options).build(), description, properties));
    for (Map.Entry<String, RedisConnection> named : properties.getStores().entrySet()) {
      RedisTarget namedTarget = RedisTarget.of(named.getValue());
      RedisTierStoreBuilder b =
          namedTarget.isCluster()
              ? RedisTierStore.builder().cluster(namedTarget.clusterNodes())
              : RedisTierStore.builder().standalone(defaultUri(namedTarget));
      RedisTierStore store =
          b.clientResources(resources).options(storeOptions(named.getValue(), namedTarget)).build();
      stores.add(guard(named.getKey(), store, namedTarget.description(), properties));
    }
    log.info(
        "Tiered caches keep their remote tiers on {}",
        stores.stream().map(s -> s.name() + "=" + s.description()).toList());
    return new TierStores(stores);
  }

  private static RedisURI defaultUri(RedisTarget target) {
    RedisURI uri = target.standalone();
    if (uri == null) {
      throw new IllegalStateException(
          "tiered-cache.redis: a standalone Redis client needs tiered-cache.redis.host (or spring.data.redis.host)");
    }
    return uri;
  }

  private static NamedTierStore guard(
      String name, RedisTierStore store, String description, TieredCacheProperties properties) {
    TieredCacheProperties.CircuitBreaker cb = properties.getCircuitBreaker();
    java.util.function.Supplier<java.util.concurrent.CompletableFuture<?>> probe =
        () -> store.read(PROBE_NAMESPACE, PROBE_KEY);
    if (!cb.isEnabled()) {
      return new NamedTierStore(name, store, null, description, probe, store::failingPrimaries);
    }
    ResilientTierStoreOptions options =
        ResilientTierStoreOptions.builder()
            .name("tiered-cache-" + name)
            .failureRateThreshold(cb.getFailureRateThreshold())
            .slowCallRateThreshold(cb.getSlowCallRateThreshold())
            .slowCallDurationThreshold(cb.getSlowCallDurationThreshold())
            .slidingWindowSize(cb.getSlidingWindowSize())
            .minimumNumberOfCalls(cb.getMinimumNumberOfCalls())
            .waitDurationInOpenState(cb.getWaitDurationInOpenState())
            .permittedCallsInHalfOpenState(cb.getPermittedNumberOfCallsInHalfOpenState())
            .backlogCapacity(cb.getBacklogCapacity())
            .build();
    ResilientTierStore resilient = ResilientTierStore.wrap(store, options);
    return new NamedTierStore(
        name, resilient, resilient.circuitBreaker(), description, probe, store::failingPrimaries);
  }

  /** The store's options; connection settings are already in the target's URIs. */
  private static RedisTierStoreOptions storeOptions(
      RedisConnection connection, RedisTarget target) {
    RedisTierStoreOptions.Builder options = RedisTierStoreOptions.builder();
    if (connection.getKeyPrefix() != null) {
      options.keyPrefix(connection.getKeyPrefix());
    }
    if (connection.getCommandTimeout() != null) {
      options.commandTimeout(connection.getCommandTimeout());
    }
    options.topologyRefreshPeriod(connection.getCluster().getTopologyRefreshPeriod());
    options.clientName(RedisTarget.CLIENT_NAME);
    return options.build();
  }

  /**
   * Matches when {@code tiered-cache.redis} or {@code spring.data.redis} names a server, or a
   * {@code DataRedisConnectionDetails} bean other than Boot's from those properties exists.
   */
  static final class RedisConfiguredCondition extends SpringBootCondition
      implements ConfigurationCondition {

    /** At bean registration, so connection details defined by the application are seen. */
    @Override
    public ConfigurationPhase getConfigurationPhase() {
      return ConfigurationPhase.REGISTER_BEAN;
    }

    @Override
    public ConditionOutcome getMatchOutcome(
        ConditionContext context, AnnotatedTypeMetadata metadata) {
      if (RedisTarget.isConfigured(context.getEnvironment())) {
        return ConditionOutcome.match("a Redis is configured");
      }
      if (context.getBeanFactory() != null
          && BootRedisConnection.isPresent(context.getClassLoader())
          && BootRedisConnection.hasOtherDetails(context.getBeanFactory())) {
        return ConditionOutcome.match("a DataRedisConnectionDetails bean names a Redis");
      }
      return ConditionOutcome.noMatch(
          "neither tiered-cache.redis.cluster.nodes/host, spring.data.redis.* nor a"
              + " DataRedisConnectionDetails bean names a Redis");
    }
  }
}
