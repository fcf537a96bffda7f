package io.github.tieredcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.TieredCache;
import io.github.tieredcache.codec.ValueCodec;
import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.redis.testkit.RedisNode;
import io.github.tieredcache.resilience.ResilientTierStore;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.stats.CacheStats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cache under load while a primary of its private cluster is killed with SIGKILL: no get fails or
 * answers a wrong value, gets stay fast (the breaker skips the remote tiers while they fail), and
 * the remote tiers serve again once the replica has taken over. Prints the failover gap and the
 * latency of gets during it.
 */
class TieredCacheFailoverIT {

  private static final int KEYS = 2_000;
  private static final int THREADS = 4;

  private LocalRedisCluster cluster;
  private ResilientTierStore store;
  private RedisTierStore probe;
  private TieredCache<String, String> cache;
  private final AtomicLong loads = new AtomicLong();

  @BeforeEach
  void open() {
    cluster = LocalRedisCluster.start();
    store = ResilientTierStore.wrap(RedisTierStore.cluster(cluster.seedUri()).build());
    probe = RedisTierStore.cluster(cluster.seedUri()).build();
    cache =
        TieredCache.<String, String>builder()
            .name("failover")
            .store(store)
            .valueCodec(ValueCodec.utf8())
            .loader(
                key -> {
                  loads.incrementAndGet();
                  return "value-of-" + key;
                })
            .l0Disabled() // every get asks the remote tiers: what is measured here
            .build();
  }

  @AfterEach
  void close() {
    cache.close();
    store.close();
    probe.close();
    cluster.close();
  }

  @Test
  void killingAPrimaryUnderLoadNeverFailsAGetAndTheRemoteTiersComeBack() throws Exception {
    for (int i = 0; i < KEYS; i++) {
      cache.get("key-" + i);
    }
    long loadsBeforeKill = loads.get();
    String victimKey = "key-7";
    Namespace ns = Namespace.of("failover", List.of("hot", "warm", "cold"));
    String tierKey = "tc:failover:0:{" + victimKey + "}:hot";
    RedisNode victim = cluster.primaryForKey(tierKey);
    assertThat(probe.read(ns, victimKey.getBytes(StandardCharsets.UTF_8)).join().isHit()).isTrue();

    AtomicBoolean running = new AtomicBoolean(true);
    Queue<long[]> samples = new ConcurrentLinkedQueue<>(); // {start nanos, latency nanos}
    Queue<String> wrong = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      workers.add(
          pool.submit(
              () -> {
                while (running.get()) {
                  String key = "key-" + ThreadLocalRandom.current().nextInt(KEYS);
                  long start = System.nanoTime();
                  String value = cache.get(key); // must never throw
                  samples.add(new long[] {start, System.nanoTime() - start});
                  if (!("value-of-" + key).equals(value)) {
                    wrong.add(key + " -> " + value);
                  }
                }
                return null;
              }));
    }
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> samples.size() > 5_000);
      long killedAt = System.nanoTime();
      victim.kill();

      // The failover gap, as a plain store sees it: until a key of the killed primary reads again.
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .ignoreExceptions()
          .until(() -> probe.read(ns, victimKey.getBytes(StandardCharsets.UTF_8)).join() != null);
      long backAt = System.nanoTime();
      // And the cache's breaker closed again.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  store.circuitBreaker().getState()
                      == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED);
      long breakerClosedAt = System.nanoTime();
      CacheStats atRecovery = cache.stats();
      long loadsAtRecovery = loads.get();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> samples.size() > 0 && System.nanoTime() - breakerClosedAt > 2_000_000_000L);
      running.set(false);
      for (Future<?> w : workers) {
        w.get(10, TimeUnit.SECONDS);
      }

      long[] during =
          samples.stream()
              .filter(s -> s[0] >= killedAt && s[0] < backAt)
              .mapToLong(s -> s[1])
              .sorted()
              .toArray();
      long[] before =
          samples.stream().filter(s -> s[0] < killedAt).mapToLong(s -> s[1]).sorted().toArray();
      long[] after =
          samples.stream()
              .filter(s -> s[0] >= breakerClosedAt)
              .mapToLong(s -> s[1])
              .sorted()
              .toArray();
      System.out.printf(
          "failover: remote reads of the killed primary's slots failed for %d ms (kill -9 → replica"
              + " serving); breaker closed %d ms after the kill%n",
          (backAt - killedAt) / 1_000_000, (breakerClosedAt - killedAt) / 1_000_000);
      System.out.printf(
          "get latency before: %d gets p50 %.2f ms p99 %.2f ms; during the gap: %d gets p50 %.2f ms"
              + " p99 %.2f ms max %.2f ms; after: %d gets p50 %.2f ms p99 %.2f ms%n",
          before.length,
          ms(before, 0.5),
          ms(before, 0.99),
          during.length,
          ms(during, 0.5),
          ms(during, 0.99),
          ms(during, 1.0),
          after.length,
          ms(after, 0.5),
          ms(after, 0.99));
      System.out.printf(
          "loads: %d for the first pass, %d more by recovery; remote errors counted: %d%n",
          loadsBeforeKill, loadsAtRecovery - loadsBeforeKill, atRecovery.remoteErrors());

      assertThat(wrong).isEmpty();
      // During the gap the cache answered from the loader at loader speed, mostly without waiting
      // for Redis: at most the calls before the breaker opened waited for a timeout.
      assertThat(ms(during, 0.5)).isLessThan(50.0);
      // After recovery the remote tiers answer again: few new loads.
      long loadsAfter = loads.get() - loadsAtRecovery;
      assertThat(loadsAfter).isLessThan(after.length / 2 + 1);
    } finally {
      running.set(false);
      pool.shutdownNow();
    }
  }

  private static double ms(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return 0;
    }
    int index =
        Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(quantile * sorted.length) - 1));
    return sorted[index] / 1_000_000.0;
  }
}
