package io.github.tieredcache.spring.boot.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.TieredCache;
import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.spring.boot.autoconfigure.TieredCacheCustomizer;
import io.github.tieredcache.spring.boot.cache.TieredCacheManager;
import io.github.tieredcache.spring.boot.cache.TieredSpringCache;
import io.github.tieredcache.spring.boot.store.TierStores;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole wiring against a real local Redis Cluster: {@code @Cacheable} and {@code @CacheEvict}
 * through the auto-configured manager, per-tier counts in the {@link MeterRegistry} and Prometheus,
 * and the {@code tieredcache} endpoint and health over HTTP.
 */
@SpringBootTest(
    classes = TieredCacheApplicationIT.App.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "tiered-cache.cache-names=posts",
      "tiered-cache.allowed-packages=io.github.tieredcache.spring.boot.it",
      "tiered-cache.caches.posts.value-type=io.github.tieredcache.spring.boot.it.TieredCacheApplicationIT$Post",
      // No L0, so every read after the first is answered by a Redis tier.
      "tiered-cache.caches.posts.l0.enabled=false",
      "tiered-cache.caches.posts.promotion.policy=never",
      "tiered-cache.redis.key-prefix=sbit",
      "management.endpoints.web.exposure.include=health,prometheus,tieredcache",
      "management.endpoint.health.show-details=always"
    })
class TieredCacheApplicationIT {

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add(
        "tiered-cache.redis.cluster.nodes",
        () -> String.join(",", LocalRedisCluster.shared().nodeUris()));
  }

  @Autowired Posts posts;
  @Autowired MeterRegistry registry;
  @Autowired TieredCacheManager cacheManager;
  @Autowired TierStores stores;
  @LocalServerPort int port;

  private final HttpClient http = HttpClient.newHttpClient();

  private long putsBefore;

  @BeforeEach
  void clear() {
    cacheManager.getCache("posts").invalidate();
    posts.loads().set(0);
    putsBefore = cacheManager.getCache("posts").getNativeCache().stats().puts();
  }

  /** Waits until {@code loads} values loaded since the test began are written to their tier. */
  private void awaitWrittenBack(long loads) {
    TieredCache<Object, Object> cache = cacheManager.getCache("posts").getNativeCache();
    await().atMost(Duration.ofSeconds(10)).until(() -> cache.stats().puts() >= putsBefore + loads);
  }

  @Test
  void theStoreIsTheRedisClusterBehindABreaker() {
    assertThat(stores.defaultStore().description()).startsWith("redis-cluster ");
    assertThat(stores.defaultStore().circuitBreaker()).isNotNull();
  }

  @Test
  void cacheableAnswersFromTheTierItsPlacementChoseAndCacheEvictRemovesIt() {
    double hotHits = count("hot", "hit");
    double coldHits = count("cold", "hit");

    Post fresh = posts.find(1); // created now: placed in hot
    Post old = posts.find(2); // created two days ago: placed in cold
    awaitWrittenBack(2); // a read before that is answered by the load in flight, not by a tier
    assertThat(posts.find(1)).isEqualTo(fresh);
    assertThat(posts.find(2)).isEqualTo(old);
    assertThat(posts.loads()).hasValue(2);

    assertThat(count("hot", "hit") - hotHits).isEqualTo(1.0);
    assertThat(count("cold", "hit") - coldHits).isEqualTo(1.0);

    posts.evict(1);
    posts.find(1);
    assertThat(posts.loads()).hasValue(3);
  }

  @Test
  void prometheusShowsHitsPerTier() throws Exception {
    posts.find(3);
    awaitWrittenBack(1);
    posts.find(3);

    HttpResponse<String> scrape = get("/actuator/prometheus");
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body())
        .containsPattern("cache_gets_total\\{cache=\"posts\",result=\"hit\",tier=\"hot\"} [1-9]")
        .contains("resilience4j_circuitbreaker_state{");
  }

  @Test
  void endpointReportsTiersAndClearsTheCache() throws Exception {
    posts.find(4);
    awaitWrittenBack(1);
    posts.find(4);

    HttpResponse<String> cache = get("/actuator/tieredcache/posts");
    assertThat(cache.statusCode()).isEqualTo(200);
    assertThat(cache.body())
        .contains("\"name\":\"posts\"", "\"name\":\"hot\"", "\"circuitBreaker\":\"CLOSED\"")
        // Post 4 is two days old: placed in cold, so the second read was a cold hit.
        .containsPattern("\"name\":\"cold\"[^}]*\"hits\":1[,}]");
    assertThat(get("/actuator/tieredcache/nosuchcache").statusCode()).isEqualTo(404);

    HttpResponse<String> cleared =
        http.send(
            HttpRequest.newBuilder(uri("/actuator/tieredcache/posts")).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(cleared.statusCode()).isEqualTo(200);
    assertThat(cleared.body()).contains("\"status\":\"cleared\"");
    HttpResponse<String> unknown =
        http.send(
            HttpRequest.newBuilder(uri("/actuator/tieredcache/nosuchcache")).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).as("as GET answers").isEqualTo(404);
    posts.find(4);
    assertThat(posts.loads()).hasValue(2);
  }

  @Test
  void healthShowsTheStoreReachable() throws Exception {
    HttpResponse<String> health = get("/actuator/health/tieredCache");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"", "\"reachable\":true", "redis-cluster");
  }

  private double count(String tier, String result) {
    var counter =
        registry
            .find("cache.gets")
            .tags("cache", "posts", "tier", tier, "result", result)
            .functionCounter();
    return counter == null ? 0.0 : counter.count();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** A cached value, created at a known instant. */
  public record Post(long id, String title, Instant createdAt) {}

  @SpringBootApplication
  @EnableCaching
  static class App {
    @Bean
    Posts posts() {
      return new Posts();
    }

    /** Places posts by age: even ids are two days old and go to cold, odd ids to hot. */
    @Bean
    TieredCacheCustomizer postsByAge() {
      return (cacheName, builder) -> {
        if (cacheName.equals("posts")) {
          builder.placement(TieredSpringCache.placeByAge(Post.class, Post::createdAt));
        }
      };
    }
  }

  static class Posts {
    private final AtomicInteger loads = new AtomicInteger();

    public AtomicInteger loads() {
      return loads;
    }

    @Cacheable(cacheNames = "posts", sync = true)
    public Post find(long id) {
      loads.incrementAndGet();
      Instant created = id % 2 == 0 ? Instant.now().minus(Duration.ofDays(2)) : Instant.now();
      return new Post(id, "post " + id, created);
    }

    @CacheEvict("posts")
    public void evict(long id) {}
  }
}
