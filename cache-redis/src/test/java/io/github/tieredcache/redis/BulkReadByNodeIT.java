package io.github.tieredcache.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.redis.testkit.RedisNode;
import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.Write;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A bulk read goes to each node directly, one burst per node, so it must still be right when the
 * topology it read is out of date: while slots move between primaries (with {@code ASK} and {@code
 * MOVED} redirections), every {@code readAll} answers every key's copy, and none fails.
 */
class BulkReadByNodeIT {

  private static final Duration LONG = Duration.ofMinutes(5);
  private static final int KEYS = 300;

  private LocalRedisCluster cluster;
  private RedisTierStore store;

  @BeforeEach
  void open() {
    cluster = LocalRedisCluster.start();
    store = RedisTierStore.cluster(cluster.seedUri()).options(o -> o.clientName("bulk")).build();
  }

  @AfterEach
  void close() {
    store.close();
    cluster.close();
  }

  @Test
  void everyBulkReadIsCompleteAndRightWhileSlotsMove() throws Exception {
    Namespace ns = TestRedis.uniqueNamespace("hot", "warm");
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      byte[] key = ("post:" + i).getBytes(UTF_8);
      keys.add(key);
      store.put(ns, new Write(key, i % 2, ("v" + i).getBytes(UTF_8), LONG, 0)).join();
    }
    assertRight(ns, keys, store.readAll(ns, keys).join());

    AtomicBoolean moving = new AtomicBoolean(true);
    AtomicInteger reads = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CompletableFuture<Void> reader =
        CompletableFuture.runAsync(
            () -> {
              while (moving.get() && failure.get() == null) {
                try {
                  assertRight(ns, keys, store.readAll(ns, keys).join());
                  reads.incrementAndGet();
                } catch (Throwable t) {
                  failure.set(t);
                }
              }
            });
    List<RedisNode> primaries = cluster.primaries();
    List<Integer> moved = cluster.migrateSlots(primaries.get(0), primaries.get(1), 400);
    moving.set(false);
    reader.join();

    assertThat(failure.get()).as("a bulk read during the move").isNull();
    assertThat(moved).hasSize(400);
    assertThat(reads.get()).as("bulk reads made while slots moved").isPositive();
    assertRight(ns, keys, store.readAll(ns, keys).join());
    System.out.printf(
        "bulk reads of %d keys while 400 slots moved: %d, all right%n", KEYS, reads.get());
  }

  private static void assertRight(Namespace ns, List<byte[]> keys, List<Lookup> lookups) {
    assertThat(lookups).hasSize(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      Lookup lookup = lookups.get(i);
      assertThat(lookup.tier()).as("tier of key %d", i).isEqualTo(i % 2);
      assertThat(new String(lookup.copy(), UTF_8)).as("copy of key %d", i).isEqualTo("v" + i);
    }
  }
}
