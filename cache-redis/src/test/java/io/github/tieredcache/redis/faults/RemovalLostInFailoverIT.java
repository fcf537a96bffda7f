package io.github.tieredcache.redis.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.Freshness;
import io.github.tieredcache.TieredCache;
import io.github.tieredcache.codec.ValueCodec;
import io.github.tieredcache.redis.RedisTierStore;
import io.github.tieredcache.redis.testkit.ClusterOptions;
import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.redis.testkit.RedisNode;
import io.github.tieredcache.resilience.ResilientTierStore;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A removal the primary acknowledged but never replicated: the replica is frozen while {@code
 * invalidate} removes the key's copy on the primary, then the primary is killed and the replica,
 * which still holds the old copy, is promoted. No instance serves that copy once the bound has
 * passed since {@code invalidate} returned (the copy predates the moment each instance trusted the
 * store again, so it is loaded instead; see docs/CONSISTENCY.md, rule 4).
 */
class RemovalLostInFailoverIT {

  private static final Duration BOUND = Freshness.DEFAULT_MAX_STALENESS;

  private LocalRedisCluster cluster;
  private final List<ResilientTierStore> stores = new ArrayList<>();
  private final List<TieredCache<String, String>> caches = new ArrayList<>();
  private final Map<String, Long> database = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> readers = new ArrayList<>();
  private final Queue<Throwable> callerExceptions = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void open() {
    cluster = LocalRedisCluster.start(ClusterOptions.defaults());
    String name = "lost-" + UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < 2; i++) {
      ResilientTierStore store =
          ResilientTierStore.wrap(RedisTierStore.cluster(cluster.seedUri()).build());
      stores.add(store);
      caches.add(
          TieredCache.<String, String>builder()
              .name(name)
              .store(store)
              .valueCodec(ValueCodec.utf8())
              .freshness(Freshness.byInvalidation(BOUND))
              .loader(key -> key + "=" + database.getOrDefault(key, 1L))
              .build());
    }
  }

  @AfterEach
  void close() throws InterruptedException {
    running.set(false);
    for (Thread t : readers) {
      t.join(10_000);
    }
    caches.forEach(TieredCache::close);
    stores.forEach(ResilientTierStore::close);
    cluster.close();
  }

  @Test
  void aRemovalLostWithTheKilledPrimaryIsNeverServedPastTheBound() throws Exception {
    String key = "post-lost";
    RedisNode primary = cluster.primaryForKey("{" + key + "}");
    RedisNode replica = cluster.replicaOf(primary);
    assertThat(replica).isNotNull();
    TieredCache<String, String> writer = caches.get(0);
    TieredCache<String, String> reader = caches.get(1);

    assertThat(reader.get(key)).isEqualTo(key + "=1");
    await("the copy replicated")
        .atMost(Duration.ofSeconds(10))
        .until(() -> !copiesOn(replica, key, true).isEmpty());
    // Background traffic over every shard (not the key): how instances notice the fault.
    List<String> others =
        IntStream.range(0, 60).mapToObj(i -> "post-" + i).filter(k -> !k.equals(key)).toList();
    for (TieredCache<String, String> cache : caches) {
      Thread t =
          new Thread(
              () -> {
                while (running.get()) {
                  for (String k : others) {
                    try {
                      cache.get(k);
                    } catch (RuntimeException e) {
                      callerExceptions.add(e);
                    }
                  }
                }
              });
      t.setDaemon(true);
      readers.add(t);
      t.start();
    }

    // Freeze the replica, then cut its link on the primary's side: what the primary acknowledges
    // from now on is in no socket the replica will read.
    replica.suspend();
    onNode(primary, c -> c.sync().clientKill(KillArgs.Builder.typeSlave()));
    await("the primary has no replica")
        .atMost(Duration.ofSeconds(5))
        .until(() -> cluster.info(primary, "replication").contains("connected_slaves:0"));
    database.put(key, 2L);
    writer.invalidate(key);
    long returned = System.nanoTime();
    assertThat(copiesOn(primary, key, false)).as("removed on the primary").isEmpty();
    primary.kill();
    replica.resume();
    await("the replica promoted")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(cluster.info(replica, "replication")).contains("role:master"));
    assertThat(copiesOn(replica, key, false))
        .as("the promoted replica still holds the copy the removal removed: the removal is lost")
        .isNotEmpty();

    // Nobody reads the key until the instances trust the store again (healthy for the bound):
    // the lost removal's copy is still there to be served, unless the instances know better.
    cluster.awaitHealthy(Duration.ofSeconds(30));
    FreshnessHarness.pause(BOUND.plusSeconds(3));
    assertThat(copiesOn(replica, key, false)).as("the stale copy, untouched").isNotEmpty();

    AtomicLong staleAfterBound = new AtomicLong();
    long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              for (TieredCache<String, String> cache : caches) {
                long start = System.nanoTime();
                String value = cache.get(key);
                if (start - returned > BOUND.toNanos() && !value.equals(key + "=2")) {
                  staleAfterBound.incrementAndGet();
                }
              }
              return System.nanoTime() > until;
            });
    assertThat(staleAfterBound).as("reads of the old value past the bound").hasValue(0);
    assertThat(callerExceptions).isEmpty();
    assertThat(reader.get(key)).isEqualTo(key + "=2");
  }

  /** The copies of {@code key} on {@code node}, read directly (a replica with READONLY). */
  private static List<String> copiesOn(RedisNode node, String key, boolean readOnly) {
    return onNode(
        node,
        c -> {
          if (readOnly) {
            c.sync().readOnly();
          }
          return c.sync().keys("*{" + key + "}:*").stream()
              .filter(k -> !k.endsWith("#gen"))
              .toList();
        });
  }

  private static <T> T onNode(
      RedisNode node, Function<StatefulRedisConnection<String, String>, T> action) {
    RedisClient client = RedisClient.create(node.uri());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return action.apply(c);
    } finally {
      client.shutdown();
    }
  }
}
