package io.github.tieredcache.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.resilience.ResilientTierStore;
import io.github.tieredcache.spring.boot.cache.TieredCacheManager;
import io.github.tieredcache.spring.boot.store.TierStores;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;

/**
 * The Redis wiring, against a loopback port nothing listens on: the stores connect in the
 * background and fail, which startup never waits for.
 */
class TieredCacheRedisAutoConfigurationTest {

  private static final int CLOSED_PORT = closedPort();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  TieredCacheRedisAutoConfiguration.class, TieredCacheAutoConfiguration.class));

  @Test
  void withoutRedisConfiguredThereIsNoLettuceBean() {
    runner.run(
        context -> {
          assertThat(context)
              .doesNotHaveBean(ClientResources.class)
              .doesNotHaveBean(AbstractRedisClient.class);
          assertThat(context.getBean(TierStores.class).defaultStore().isInProcess()).isTrue();
        });
  }

  @Test
  void clusterNodesGiveAClusterClientAndAGuardedRedisStore() {
    runner
        .withPropertyValues(
            "tiered-cache.redis.cluster.nodes=127.0.0.1:" + CLOSED_PORT,
            "tiered-cache.circuit-breaker.failure-rate-threshold=25",
            "tiered-cache.cache-names=posts")
        .run(
            context -> {
              assertThat(context).hasSingleBean(ClientResources.class);
              assertThat(context.getBean(AbstractRedisClient.class))
                  .isInstanceOf(RedisClusterClient.class);
              TierStores stores = context.getBean(TierStores.class);
              assertThat(stores.defaultStore().description())
                  .isEqualTo("redis-cluster 127.0.0.1:" + CLOSED_PORT);
              assertThat(stores.defaultStore().store()).isInstanceOf(ResilientTierStore.class);
              assertThat(stores.defaultStore().circuitBreaker().getName())
                  .isEqualTo("tiered-cache-default");
              assertThat(
                      stores
                          .defaultStore()
                          .circuitBreaker()
                          .getCircuitBreakerConfig()
                          .getFailureRateThreshold())
                  .isEqualTo(25f);
              // The cache is usable while Redis is down: it answers from its loader.
              var posts = context.getBean(TieredCacheManager.class).getCache("posts");
              assertThat(posts.get("k", () -> "loaded")).isEqualTo("loaded");
            });
  }

  @Test
  void springDataRedisSettingsAreUsedWhenTieredCacheRedisLeavesThemUnset() {
    runner
        .withPropertyValues(
            "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + CLOSED_PORT)
        .run(
            context -> {
              assertThat(context.getBean(AbstractRedisClient.class))
                  .isInstanceOf(RedisClient.class);
              assertThat(context.getBean(TierStores.class).defaultStore().description())
                  .isEqualTo("redis 127.0.0.1:" + CLOSED_PORT + "/0");
            });
  }

  @Test
  void withoutABreakerTheStoreIsUnguarded() {
    runner
        .withPropertyValues(
            "tiered-cache.redis.host=127.0.0.1",
            "tiered-cache.redis.port=" + CLOSED_PORT,
            "tiered-cache.circuit-breaker.enabled=false")
        .run(
            context -> {
              TierStores stores = context.getBean(TierStores.class);
              assertThat(stores.defaultStore().circuitBreaker()).isNull();
              assertThat(stores.defaultStore().store()).isNotInstanceOf(ResilientTierStore.class);
            });
  }

  @Test
  void namedStoresAreFurtherRedisTargets() {
    runner
        .withPropertyValues(
            "tiered-cache.redis.host=127.0.0.1",
            "tiered-cache.redis.port=" + CLOSED_PORT,
            "tiered-cache.stores.archive.cluster.nodes=redis://127.0.0.1:" + CLOSED_PORT)
        .run(
            context -> {
              TierStores stores = context.getBean(TierStores.class);
              assertThat(stores.all())
                  .extracting(s -> s.name())
                  .containsExactly("default", "archive");
              assertThat(stores.get("archive").description()).startsWith("redis-cluster");
              assertThat(stores.get("archive").circuitBreaker().getName())
                  .isEqualTo("tiered-cache-archive");
            });
  }

  @Test
  void anApplicationsOwnClientAndResourcesAreUsed() {
    runner
        .withPropertyValues("tiered-cache.redis.cluster.nodes=127.0.0.1:" + CLOSED_PORT)
        .withUserConfiguration(OwnLettuce.class)
        .run(
            context -> {
              assertThat(context)
                  .hasSingleBean(ClientResources.class)
                  .hasSingleBean(AbstractRedisClient.class);
              assertThat(context.getBean(ClientResources.class))
                  .isSameAs(context.getBean("ownResources"));
              assertThat(context.getBean(AbstractRedisClient.class))
                  .isSameAs(context.getBean("ownClient"));
            });
  }

  @Test
  void disabledMeansNoLettuceBeans() {
    runner
        .withPropertyValues(
            "tiered-cache.enabled=false",
            "tiered-cache.redis.cluster.nodes=127.0.0.1:" + CLOSED_PORT)
        .run(
            context ->
                assertThat(context)
                    .doesNotHaveBean(ClientResources.class)
                    .doesNotHaveBean(TierStores.class));
  }

  @Test
  void targetFoldsCredentialsAndTlsIntoEveryUri() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("spring.data.redis.cluster.nodes", "a:7000,b:7001")
            .withProperty("spring.data.redis.username", "app")
            .withProperty("spring.data.redis.password", "secret")
            .withProperty("spring.data.redis.ssl.enabled", "true");
    TieredCacheProperties.RedisConnection own = new TieredCacheProperties.RedisConnection();

    RedisTarget target = RedisTarget.ofDefault(own, env, null);

    assertThat(target.isCluster()).isTrue();
    assertThat(target.description())
        .isEqualTo("redis-cluster a:7000,b:7001")
        .doesNotContain("secret");
    RedisURI first = target.clusterNodes().get(0);
    RedisCredentials credentials = first.getCredentialsProvider().resolveCredentials().block();
    assertThat(credentials.getUsername()).isEqualTo("app");
    assertThat(new String(credentials.getPassword())).isEqualTo("secret");
    assertThat(first.isSsl()).isTrue();
  }

  @Test
  void aBlankPasswordMeansNoLoginAsInSpringDataRedis() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("spring.data.redis.host", "cache.example")
            .withProperty("spring.data.redis.username", "app")
            .withProperty("spring.data.redis.password", "");

    RedisTarget target =
        RedisTarget.ofDefault(new TieredCacheProperties.RedisConnection(), env, null);

    RedisCredentials credentials =
        target.standalone().getCredentialsProvider().resolveCredentials().block();
    assertThat(credentials == null || !credentials.hasPassword()).isTrue();
  }

  @Test
  void springDataRedisUrlIsParsed() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("spring.data.redis.url", "rediss://app:pw@cache.example:6390/2");

    RedisTarget target =
        RedisTarget.ofDefault(new TieredCacheProperties.RedisConnection(), env, null);

    RedisURI uri = target.standalone();
    assertThat(uri.getHost()).isEqualTo("cache.example");
    assertThat(uri.getPort()).isEqualTo(6390);
    assertThat(uri.getDatabase()).isEqualTo(2);
    assertThat(uri.isSsl()).isTrue();
    RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block();
    assertThat(credentials.getUsername()).isEqualTo("app");
    assertThat(new String(credentials.getPassword())).isEqualTo("pw");
  }

  @Test
  void tieredCacheRedisWinsOverSpringDataRedis() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("spring.data.redis.host", "spring-host")
            .withProperty("spring.data.redis.password", "spring-secret");
    TieredCacheProperties.RedisConnection own = new TieredCacheProperties.RedisConnection();
    own.setHost("own-host");
    own.setPort(6380);

    RedisTarget target = RedisTarget.ofDefault(own, env, null);

    assertThat(target.standalone().getHost()).isEqualTo("own-host");
    assertThat(target.standalone().getPort()).isEqualTo(6380);
    RedisCredentials credentials =
        target.standalone().getCredentialsProvider().resolveCredentials().block();
    assertThat(new String(credentials.getPassword())).isEqualTo("spring-secret");
    assertThat(RedisTarget.isConfigured(env)).isTrue();
    assertThat(RedisTarget.isConfigured(new MockEnvironment())).isFalse();
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnLettuce {
    @Bean(destroyMethod = "shutdown")
    ClientResources ownResources() {
      return DefaultClientResources.create();
    }

    @Bean(destroyMethod = "shutdown")
    RedisClusterClient ownClient(ClientResources ownResources) {
      return RedisClusterClient.create(ownResources, "redis://127.0.0.1:" + CLOSED_PORT);
    }
  }

  /** A loopback port nothing listens on. */
  static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
