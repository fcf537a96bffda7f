package io.github.tieredcache.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.spring.boot.store.TierStores;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Boot's Redis connection model: a {@code DataRedisConnectionDetails} bean (what
 * {@code @ServiceConnection} and Docker Compose support register) is where the default store
 * connects when {@code tiered-cache.redis} names no server, and Boot's {@code
 * ClientResourcesBuilderCustomizer}s shape the Lettuce resources. Against a loopback port nothing
 * listens on: the stores connect in the background, which startup never waits for.
 */
class BootRedisConnectionTest {

  private static final int CLOSED_PORT = TieredCacheRedisAutoConfigurationTest.closedPort();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  TieredCacheRedisAutoConfiguration.class, TieredCacheAutoConfiguration.class));

  @Test
  void clusterConnectionDetailsAloneConfigureTheDefaultStore() {
    runner
        .withUserConfiguration(ClusterDetails.class)
        .run(
            context -> {
              assertThat(context.getBean(AbstractRedisClient.class))
                  .isInstanceOf(RedisClusterClient.class);
              assertThat(context.getBean(TierStores.class).defaultStore().description())
                  .isEqualTo("redis-cluster 127.0.0.1:" + CLOSED_PORT);
            });
  }

  @Test
  void standaloneConnectionDetailsGiveAStandaloneClientWithTheirDatabase() {
    runner
        .withBean(
            DataRedisConnectionDetails.class,
            () ->
                new DataRedisConnectionDetails() {
                  @Override
                  public Standalone getStandalone() {
                    return Standalone.of("127.0.0.1", CLOSED_PORT, 3);
                  }
                })
        .run(
            context -> {
              assertThat(context.getBean(AbstractRedisClient.class))
                  .isInstanceOf(RedisClient.class);
              assertThat(context.getBean(TierStores.class).defaultStore().description())
                  .isEqualTo("redis 127.0.0.1:" + CLOSED_PORT + "/3");
            });
  }

  @Test
  void tieredCacheRedisNamingAServerWinsOverTheDetails() {
    runner
        .withUserConfiguration(ClusterDetails.class)
        .withPropertyValues("tiered-cache.redis.host=127.0.0.2", "tiered-cache.redis.port=1")
        .run(
            context ->
                assertThat(context.getBean(TierStores.class).defaultStore().description())
                    .isEqualTo("redis 127.0.0.2:1/0"));
  }

  @Test
  void sentinelDetailsFailStartupSayingWhatToSet() {
    runner
        .withBean(
            DataRedisConnectionDetails.class,
            () ->
                new DataRedisConnectionDetails() {
                  @Override
                  public Sentinel getSentinel() {
                    return new Sentinel() {
                      @Override
                      public int getDatabase() {
                        return 0;
                      }

                      @Override
                      public String getMaster() {
                        return "mymaster";
                      }

                      @Override
                      public List<Node> getNodes() {
                        return List.of(new Node("127.0.0.1", CLOSED_PORT));
                      }

                      @Override
                      public String getUsername() {
                        return null;
                      }

                      @Override
                      public String getPassword() {
                        return null;
                      }
                    };
                  }
                })
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("Sentinel")
                  .hasMessageContaining("tiered-cache.redis.cluster.nodes");
            });
  }

  @Test
  void bootsClientResourcesCustomizersApply() {
    runner
        .withUserConfiguration(ClusterDetails.class)
        .withBean(
            ClientResourcesBuilderCustomizer.class,
            () -> builder -> builder.ioThreadPoolSize(3).computationThreadPoolSize(2))
        .run(
            context -> {
              ClientResources resources = context.getBean(ClientResources.class);
              assertThat(resources.ioThreadPoolSize()).isEqualTo(3);
              assertThat(resources.computationThreadPoolSize()).isEqualTo(2);
            });
  }

  @Test
  void withoutBootsRedisModuleTheStarterStillReadsSpringDataRedis() {
    runner
        .withClassLoader(new FilteredClassLoader(DataRedisConnectionDetails.class))
        .withPropertyValues(
            "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + CLOSED_PORT)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(TierStores.class).defaultStore().description())
                  .isEqualTo("redis 127.0.0.1:" + CLOSED_PORT + "/0");
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class ClusterDetails {
    @Bean
    DataRedisConnectionDetails clusterDetails() {
      return new DataRedisConnectionDetails() {
        @Override
        public Cluster getCluster() {
          return () -> List.of(new Node("127.0.0.1", CLOSED_PORT));
        }
      };
    }
  }
}
