package io.github.tieredcache.redis;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.redis.testkit.RedisNode;
import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.Write;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proves the read path's round trips with the servers' own counters ({@code INFO commandstats}): a
 * cold-tier hit is one {@code MGET} on the node owning the key's slot and nothing else, and a bulk
 * read sends one {@code MGET} per slot and no per-key command.
 */
class OneRoundTripIT {

  private static final Duration LONG = Duration.ofMinutes(5);
  private static final List<String> DATA_COMMANDS =
      List.of("get", "mget", "evalsha", "eval", "exists", "ttl", "pttl", "script|load", "incr");

  private final LocalRedisCluster cluster = LocalRedisCluster.shared();
  private RedisTierStore store;

  @BeforeEach
  void open() {
    // No periodic epoch reread during the measurement.
    store =
        TestRedis.onSharedCluster()
            .options(o -> o.epochRefreshInterval(Duration.ofHours(1)))
            .build();
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aColdTierHitIsOneMgetOnTheOwningNodeAndNothingElse() {
    Namespace ns = TestRedis.uniqueNamespace("hot", "warm", "cold");
    byte[] key = "user:{42} cold".getBytes(UTF_8);
    long generation = store.read(ns, key).join().generation(); // also loads the epoch
    assertThat(
            store
                .writeIfGeneration(
                    ns, new Write(key, 2, "cold copy".getBytes(UTF_8), LONG, generation))
                .join())
        .isTrue();
    String tierKey =
        new String(
            KeyLayout.of("tc", ns).tierKey(KeyLayout.epochSegment(0), KeyLayout.escape(key), 2),
            US_ASCII);
    RedisNode owner = cluster.primaryForKey(tierKey);
    Map<RedisNode, Map<String, Long>> before = stats();

    Lookup lookup = store.read(ns, key).join();

    Map<RedisNode, Map<String, Long>> after = stats();
    assertThat(lookup.tier()).isEqualTo(2);
    assertThat(lookup.copy()).isEqualTo("cold copy".getBytes(UTF_8));
    for (RedisNode node : cluster.nodes()) {
      Map<String, Long> delta = delta(before.get(node), after.get(node));
      if (node.equals(owner)) {
        assertThat(delta)
            .as("data commands on the owning node %s", node)
            .isEqualTo(Map.of("mget", 1L));
      } else {
        assertThat(delta).as("data commands on %s", node).isEmpty();
      }
    }
  }

  @Test
  void aBulkReadSendsOneMgetPerSlotAndNoPerKeyCommand() {
    Namespace ns = TestRedis.uniqueNamespace("hot", "warm", "cold");
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      keys.add(("bulk-" + i).getBytes(UTF_8));
    }
    store
        .writeAllIfGeneration(ns, keys.stream().map(k -> new Write(k, 1, k, LONG, 0)).toList())
        .join();
    Map<RedisNode, Integer> slotsPerNode = new HashMap<>();
    Map<RedisNode, Set<Integer>> slots = new HashMap<>();
    for (byte[] key : keys) {
      byte[] tag = KeyLayout.escape(key);
      String tierKey =
          new String(KeyLayout.of("tc", ns).tierKey(KeyLayout.epochSegment(0), tag, 0), US_ASCII);
      slots
          .computeIfAbsent(cluster.primaryForKey(tierKey), n -> new HashSet<>())
          .add(SlotHash.getSlot(tag));
    }
    slots.forEach((node, s) -> slotsPerNode.put(node, s.size()));
    Map<RedisNode, Map<String, Long>> before = stats();

    List<Lookup> lookups = store.readAll(ns, keys).join();

    Map<RedisNode, Map<String, Long>> after = stats();
    assertThat(lookups).hasSize(100).allMatch(l -> l.tier() == 1);
    for (int i = 0; i < 100; i++) {
      assertThat(lookups.get(i).copy()).isEqualTo(keys.get(i));
    }
    for (RedisNode node : cluster.nodes()) {
      Map<String, Long> delta = delta(before.get(node), after.get(node));
      int expected = slotsPerNode.getOrDefault(node, 0);
      assertThat(delta)
          .as("data commands on %s", node)
          .isEqualTo(expected == 0 ? Map.of() : Map.of("mget", (long) expected));
    }
  }

  private Map<RedisNode, Map<String, Long>> stats() {
    Map<RedisNode, Map<String, Long>> all = new HashMap<>();
    for (RedisNode node : cluster.nodes()) {
      all.put(node, cluster.commandStats(node));
    }
    return all;
  }

  private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> delta = new HashMap<>();
    for (String command : DATA_COMMANDS) {
      long d = after.getOrDefault(command, 0L) - before.getOrDefault(command, 0L);
      if (d != 0) {
        delta.put(command, d);
      }
    }
    return delta;
  }
}
