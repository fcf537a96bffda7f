package io.github.tieredcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.tieredcache.TieredCache;
import io.github.tieredcache.codec.ValueCodec;
import io.github.tieredcache.redis.testkit.ClusterOptions;
import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.redis.testkit.RedisNode;
import io.github.tieredcache.resilience.ResilientTierStore;
import io.github.tieredcache.spi.Namespace;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A failing shard sends only its own keys to the loader: while one primary of a private 3+3 cluster
 * is killed with SIGKILL and its replica takes over, gets of keys on the other two shards keep
 * being answered by Redis (remote hits, no load), through the store-wide breaker as a user builds
 * it ({@code ResilientTierStore.wrap}, default options), with L0 off so every get asks Redis.
 */
class ShardIsolationIT {

  private static final int KEYS = 2_000;
  private static final int THREADS = 4;
  private static final int PAGE = 20;

  private LocalRedisCluster cluster;
  private RedisTierStore raw;
  private ResilientTierStore store;
  private RedisTierStore probe;
  private TieredCache<String, String> cache;
  private final Queue<long[]> loads = new ConcurrentLinkedQueue<>(); // {time nanos, key index}
  private final Queue<String> transitions = new ConcurrentLinkedQueue<>();
  private final Queue<String> errors = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void open() {
    // Redis's default (full coverage) refuses every shard with CLUSTERDOWN while one is down;
    // the README tells users to turn it off, as here, for the other shards to keep serving.
    cluster = LocalRedisCluster.start(ClusterOptions.builder().requireFullCoverage(false).build());
    raw = RedisTierStore.cluster(cluster.seedUri()).build();
    store = ResilientTierStore.wrap(raw);
    store
        .circuitBreaker()
        .getEventPublisher()
        .onStateTransition(e -> transitions.add(e.getStateTransition().toString()));
    store
        .circuitBreaker()
        .getEventPublisher()
        .onError(
            e -> {
              if (errors.size() < 5) {
                errors.add(String.valueOf(e.getThrowable()));
              }
            });
    probe = RedisTierStore.cluster(cluster.seedUri()).build();
    cache =
        TieredCache.<String, String>builder()
            .name("isolation")
            .store(store)
            .valueCodec(ValueCodec.utf8())
            .loader(
                key -> {
                  loads.add(new long[] {System.nanoTime(), Integer.parseInt(key.substring(4))});
                  return "value-of-" + key;
                })
            .l0Disabled()
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
  void whileOnePrimaryFailsOverTheOtherShardsKeepServingRemoteHits() throws Exception {
    for (int i = 0; i < KEYS; i++) {
      cache.get("key-" + i);
    }
    String victimKey = "key-7";
    RedisNode victim = cluster.primaryForKey(tierKey(victimKey));
    Set<Integer> onVictim = new HashSet<>();
    for (int i = 0; i < KEYS; i++) {
      if (cluster.primaryForKey(tierKey("key-" + i)).equals(victim)) {
        onVictim.add(i);
      }
    }
    Namespace ns = Namespace.of("isolation", List.of("hot", "warm", "cold"));
    byte[] victimBytes = victimKey.getBytes(StandardCharsets.UTF_8);
    assertThat(probe.read(ns, victimBytes).join().isHit()).isTrue();

    AtomicBoolean running = new AtomicBoolean(true);
    Queue<long[]> gets = new ConcurrentLinkedQueue<>(); // {start nanos, key index}
    AtomicInteger wrong = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      boolean bulk = t % 2 == 1; // half the threads read pages of 20 keys with getAll
      workers.add(
          pool.submit(
              () -> {
                while (running.get()) {
                  List<Integer> page = new ArrayList<>();
                  for (int n = 0; n < (bulk ? PAGE : 1); n++) {
                    page.add(ThreadLocalRandom.current().nextInt(KEYS));
                  }
                  long start = System.nanoTime();
                  if (bulk) {
                    Map<String, String> found =
                        cache.getAll(page.stream().map(i -> "key-" + i).toList());
                    for (int i : page) {
                      if (!("value-of-key-" + i).equals(found.get("key-" + i))) {
                        wrong.incrementAndGet();
                      }
                    }
                  } else if (!("value-of-key-" + page.get(0))
                      .equals(cache.get("key-" + page.get(0)))) {
                    wrong.incrementAndGet();
                  }
                  for (int i : page) {
                    gets.add(new long[] {start, i});
                  }
                }
                return null;
              }));
    }
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> gets.size() > 5_000);
      loads.clear();
      assertThat(raw.failingPrimaries()).isEmpty();
      Queue<List<String>> failingSeen = new ConcurrentLinkedQueue<>();
      long killedAt = System.nanoTime();
      victim.kill();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .ignoreExceptions()
          .until(
              () -> {
                failingSeen.add(raw.failingPrimaries());
                return probe.read(ns, victimBytes).join() != null;
              });
      long backAt = System.nanoTime();
      running.set(false);
      for (Future<?> w : workers) {
        w.get(10, TimeUnit.SECONDS);
      }

      long othersRead =
          gets.stream()
              .filter(g -> g[0] >= killedAt && g[0] < backAt && !onVictim.contains((int) g[1]))
              .count();
      long victimsRead =
          gets.stream()
              .filter(g -> g[0] >= killedAt && g[0] < backAt && onVictim.contains((int) g[1]))
              .count();
      long othersLoaded =
          loads.stream().filter(l -> l[0] < backAt && !onVictim.contains((int) l[1])).count();
      long victimsLoaded =
          loads.stream().filter(l -> l[0] < backAt && onVictim.contains((int) l[1])).count();
      System.out.printf(
          "shard isolation: %d ms from kill -9 to the replica serving; gets of the other shards'"
              + " keys: %d, loaded %d (%.2f %%); gets of the killed shard's keys: %d, loaded %d;"
              + " store-wide breaker transitions: %s, first failures it counted: %s%n",
          (backAt - killedAt) / 1_000_000,
          othersRead,
          othersLoaded,
          100.0 * othersLoaded / Math.max(1, othersRead),
          victimsRead,
          victimsLoaded,
          transitions,
          errors);

      assertThat(wrong.get()).isZero();
      assertThat(victimsLoaded).as("the killed shard's keys went to the loader").isPositive();
      assertThat(othersRead).isGreaterThan(1_000);
      // The other shards kept answering: at most the gets caught in the first moment of the
      // failure (a command in flight when the topology was refreshed) may have loaded.
      assertThat(othersLoaded).isLessThanOrEqualTo(othersRead / 100);
      assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
      // What health shows: the failing part while it fails, nothing once the replica serves.
      assertThat(failingSeen).anySatisfy(failing -> assertThat(failing).isNotEmpty());
      await().atMost(Duration.ofSeconds(10)).until(() -> raw.failingPrimaries().isEmpty());
    } finally {
      running.set(false);
      pool.shutdownNow();
    }
  }

  private static String tierKey(String key) {
    return "tc:isolation:0:{" + key + "}:hot";
  }
}
