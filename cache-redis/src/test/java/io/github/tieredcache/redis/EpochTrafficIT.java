package io.github.tieredcache.redis;

import static io.github.tieredcache.redis.TestRedis.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.Write;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The epoch is not a hot key: writes read nothing but their own keys, and a cleared epoch's copies
 * are removed in the background instead of waiting for their TTL. On a private cluster, so the
 * command counts are this test's alone.
 */
class EpochTrafficIT {

  private static final Duration LONG = Duration.ofHours(24);

  private static LocalRedisCluster cluster;
  private static RedisClusterClient client;
  private static StatefulRedisClusterConnection<String, String> admin;

  @BeforeAll
  static void start() {
    cluster = LocalRedisCluster.start();
    client = RedisClusterClient.create(RedisURI.create(cluster.seedUri()));
    admin = client.connect(StringCodec.UTF8);
  }

  @AfterAll
  static void stop() {
    admin.close();
    client.shutdown();
    cluster.close();
  }

  @Test
  void putsAndRemovesNeverReadTheEpochKey() {
    try (RedisTierStore store = RedisTierStore.cluster(cluster.seedUri()).build()) {
      Namespace ns = TestRedis.uniqueNamespace("hot", "warm");
      store.read(ns, ascii("first")).join(); // the store learns the epoch: one GET
      cluster.resetStats();

      for (int i = 0; i < 200; i++) {
        store.put(ns, new Write(ascii("k" + i), 1, ascii("v"), LONG, 0)).join();
        store.remove(ns, ascii("k" + i)).join();
      }

      // GET is only ever sent for the epoch key (reads are MGETs, writes scripts).
      assertThat(cluster.commandStats().getOrDefault("get", 0L)).isZero();
    }
  }

  @Test
  void aClearRemovesTheRetiredEpochsCopiesInTheBackgroundAndKeepsTheNewOnes() {
    try (RedisTierStore store = RedisTierStore.cluster(cluster.seedUri()).build()) {
      Namespace ns = TestRedis.uniqueNamespace("hot", "warm", "cold");
      for (int i = 0; i < 1_200; i++) {
        store.put(ns, new Write(ascii("k" + i), i % 3, ascii("v" + i), LONG, 0)).join();
      }
      String base = "tc:" + ns.cacheName() + ":";
      assertThat(keys(base + "0:{*")).hasSize(1_200);

      store.clear(ns).join();
      store.put(ns, new Write(ascii("after"), 0, ascii("new"), LONG, 0)).join();

      // 1,200 copies in 3 steps of 500 keys examined per node: well within seconds.
      await().atMost(Duration.ofSeconds(20)).until(() -> keys(base + "0:{*").isEmpty());
      assertThat(keys(base + "1:{*")).containsExactly(base + "1:{after}:hot");
      assertThat(keys(base + "{*")).as("generation keys are kept").hasSize(1_201);
      assertThat(store.read(ns, ascii("after")).join().copy()).isEqualTo(ascii("new"));
    }
  }

  private static List<String> keys(String pattern) {
    List<String> found = new ArrayList<>();
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = admin.sync().scan(cursor, ScanArgs.Builder.matches(pattern));
      found.addAll(page.getKeys());
      cursor = page;
    } while (!cursor.isFinished());
    return found;
  }
}
