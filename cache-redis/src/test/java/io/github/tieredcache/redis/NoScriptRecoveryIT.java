package io.github.tieredcache.redis;

import static io.github.tieredcache.redis.TestRedis.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.redis.testkit.RedisNode;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.Write;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node that lost its script cache (failover, restart, SCRIPT FLUSH) answers EVALSHA with
 * NOSCRIPT; the store falls back to EVAL once, which caches the script there again.
 */
class NoScriptRecoveryIT {

  private static final Duration LONG = Duration.ofMinutes(5);
  private final LocalRedisCluster cluster = LocalRedisCluster.shared();
  private RedisTierStore store;

  @BeforeEach
  void open() {
    store =
        TestRedis.onSharedCluster()
            .options(o -> o.epochRefreshInterval(Duration.ofHours(1)))
            .build();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private void flushScriptsEverywhere() {
    for (RedisNode node : cluster.nodes()) {
      TestRedis.onNode(node.uri(), c -> c.sync().scriptFlush());
    }
  }

  @Test
  void everyWriteStillWorksAfterEveryNodeFlushedItsScripts() {
    Namespace ns = TestRedis.uniqueNamespace("hot", "warm");
    store.put(ns, new Write(ascii("k"), 1, ascii("v1"), LONG, 0)).join(); // scripts cached

    flushScriptsEverywhere();
    store.put(ns, new Write(ascii("k"), 1, ascii("v2"), LONG, 0)).join();
    assertThat(store.read(ns, ascii("k")).join().copy()).isEqualTo(ascii("v2"));

    flushScriptsEverywhere();
    long g = store.read(ns, ascii("k")).join().generation();
    assertThat(store.promote(ns, new Write(ascii("k"), 0, ascii("v2"), LONG, g)).join()).isTrue();

    flushScriptsEverywhere();
    store.remove(ns, ascii("k")).join();
    assertThat(store.read(ns, ascii("k")).join().isHit()).isFalse();

    flushScriptsEverywhere();
    g = store.read(ns, ascii("k")).join().generation();
    assertThat(store.writeIfGeneration(ns, new Write(ascii("k"), 0, ascii("v3"), LONG, g)).join())
        .isTrue();

    flushScriptsEverywhere();
    store.clear(ns).join();
    assertThat(store.read(ns, ascii("k")).join().isHit()).isFalse();
  }

  @Test
  void theFallbackIsOneEvalAfterWhichEvalshaHitsAgain() {
    Namespace ns = TestRedis.uniqueNamespace("hot");
    byte[] key = ascii("counted");
    store.put(ns, new Write(key, 0, ascii("v"), LONG, 0)).join();
    RedisNode owner = cluster.primaryForKey("tc:" + ns.cacheName() + ":{counted}:#gen");
    flushScriptsEverywhere();

    Map<String, Long> before = cluster.commandStats(owner);
    long g = store.read(ns, key).join().generation();
    assertThat(store.writeIfGeneration(ns, new Write(key, 0, ascii("a"), LONG, g)).join()).isTrue();
    assertThat(store.writeIfGeneration(ns, new Write(key, 0, ascii("b"), LONG, g)).join()).isTrue();
    Map<String, Long> after = cluster.commandStats(owner);

    assertThat(after.getOrDefault("eval", 0L) - before.getOrDefault("eval", 0L)).isEqualTo(1);
    assertThat(after.getOrDefault("evalsha", 0L) - before.getOrDefault("evalsha", 0L)).isEqualTo(2);
    assertThat(store.read(ns, key).join().copy()).isEqualTo(ascii("b"));
  }
}
