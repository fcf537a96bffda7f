package io.github.tieredcache.spring.boot.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.TieredCache;
import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.spring.boot.cache.TieredCacheManager;
import io.github.tieredcache.spring.boot.store.TierStores;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;

/**
 * A Boot application that says where Redis is only through a {@link DataRedisConnectionDetails}
 * bean, as {@code @ServiceConnection} on a Testcontainers Redis or Docker Compose support register
 * one, with no {@code tiered-cache.redis} or {@code spring.data.redis} property: its caches keep
 * their tiers on the local cluster those details name.
 */
@SpringBootTest(
    classes = ConnectionDetailsIT.App.class,
    properties = {
      "tiered-cache.cache-names=posts",
      "tiered-cache.caches.posts.l0.enabled=false",
      "tiered-cache.redis.key-prefix=cdit"
    })
class ConnectionDetailsIT {

  @Autowired TierStores stores;
  @Autowired TieredCacheManager cacheManager;
  @Autowired Posts posts;

  @Test
  void theCachesUseTheClusterTheConnectionDetailsName() {
    LocalRedisCluster cluster = LocalRedisCluster.shared();
    assertThat(stores.defaultStore().isInProcess()).isFalse();
    assertThat(stores.defaultStore().description())
        .startsWith("redis-cluster ")
        .contains(cluster.nodes().get(0).hostAndPort());

    TieredCache<Object, Object> cache = cacheManager.getCache("posts").getNativeCache();
    assertThat(posts.find(1)).isEqualTo("post 1");
    await().atMost(Duration.ofSeconds(10)).until(() -> cache.stats().puts() >= 1);
    assertThat(posts.find(1)).isEqualTo("post 1");
    assertThat(posts.loads()).as("the second read is a Redis hit (no L0)").hasValue(1);
    assertThat(cache.stats().tier("hot").orElseThrow().hits()).isEqualTo(1);
  }

  @SpringBootApplication
  @EnableCaching
  static class App {
    @Bean
    DataRedisConnectionDetails redisConnectionDetails() {
      List<DataRedisConnectionDetails.Node> nodes =
          LocalRedisCluster.shared().nodes().stream()
              .map(n -> new DataRedisConnectionDetails.Node(n.host(), n.port()))
              .toList();
      return new DataRedisConnectionDetails() {
        @Override
        public Cluster getCluster() {
          return () -> nodes;
        }
      };
    }

    @Bean
    Posts posts() {
      return new Posts();
    }
  }

  static class Posts {
    private final AtomicInteger loads = new AtomicInteger();

    public AtomicInteger loads() {
      return loads;
    }

    @Cacheable(cacheNames = "posts", sync = true)
    public String find(long id) {
      loads.incrementAndGet();
      return "post " + id;
    }
  }
}
