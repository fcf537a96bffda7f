package io.github.tieredcache.redis;

import static org.awaitility.Awaitility.await;

import io.github.tieredcache.TieredCache;
import io.github.tieredcache.TieredCacheContract;
import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.InvalidationListener;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.TierStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;

/**
 * Every behaviour of the cache, on {@link RedisTierStore} over the local 3+3 cluster, through both
 * APIs. Redis expires copies by its own clock, in real time; the cache judges them by their
 * envelopes, on the test's fake clock, which is what the suite observes.
 */
class RedisTieredCacheIT extends TieredCacheContract {

  private final Set<String> probesSeen = ConcurrentHashMap.newKeySet();
  private AutoCloseable probe;
  private volatile boolean probeSubscribed;

  @Override
  protected TierStore createStore() {
    return TestRedis.onSharedCluster().build();
  }

  private RedisTierStore redis() {
    return (RedisTierStore) store;
  }

  private Namespace channelOf(TieredCache<?, ?> cache) {
    return Namespace.of(cache.name(), List.of("hot"));
  }

  @Override
  protected void plant(Namespace namespace, String key, int tier, byte[] bytes) {
    byte[] redisKey =
        redis().tierKeyAtEpochZero(namespace, key.getBytes(StandardCharsets.UTF_8), tier);
    TestRedis.onSharedCluster(c -> c.sync().set(redisKey, bytes));
  }

  @Override
  protected void awaitSubscribed(TieredCache<?, ?> cache) {
    await().atMost(Duration.ofSeconds(20)).until(() -> redis().isSubscribed(channelOf(cache)));
  }

  /**
   * Publishes a marker after whatever the test published, and waits until a listener subscribed
   * after the caches has it: the channel delivers in order and to its listeners in order.
   */
  @Override
  protected void awaitDelivered(TieredCache<?, ?> cache) {
    Namespace ns = channelOf(cache);
    if (probe == null) {
      probe =
          store.subscribe(
              ns,
              new InvalidationListener() {
                @Override
                public void onInvalidation(Invalidation message) {
                  probesSeen.add(message.origin());
                }

                @Override
                public void onSubscribed() {
                  probeSubscribed = true;
                }
              });
      await().atMost(Duration.ofSeconds(20)).until(() -> probeSubscribed);
    }
    String origin = "probe-" + UUID.randomUUID();
    store
        .publish(ns, Invalidation.ofKey(origin, "__probe__".getBytes(StandardCharsets.UTF_8)))
        .join();
    await().atMost(Duration.ofSeconds(20)).until(() -> probesSeen.contains(origin));
  }

  @AfterEach
  void closeProbe() throws Exception {
    if (probe != null) {
      probe.close();
    }
  }
}
