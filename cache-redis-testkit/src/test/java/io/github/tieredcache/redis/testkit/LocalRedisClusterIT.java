package io.github.tieredcache.redis.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against the shared cluster: layout, routing, statistics. Breaks nothing. */
class LocalRedisClusterIT {

  private static LocalRedisCluster cluster;
  private static RedisClusterClient client;
  private static StatefulRedisClusterConnection<String, String> connection;

  @BeforeAll
  static void connect() {
    cluster = LocalRedisCluster.shared();
    client = RedisClusterClient.create(cluster.nodeUris().stream().map(RedisURI::create).toList());
    connection = client.connect();
  }

  @AfterAll
  static void disconnect() {
    connection.close();
    client.shutdown();
  }

  @BeforeEach
  void clean() {
    cluster.flushAll();
  }

  @Test
  void sharedClusterIsOnePerJvmAndSurvivesClose() {
    cluster.close();

    assertThat(LocalRedisCluster.shared()).isSameAs(cluster);
    assertThat(cluster.nodes()).allMatch(RedisNode::isAlive);
  }

  @Test
  void hasThreePrimariesEachWithItsOwnReplicaOnLoopbackPorts() {
    assertThat(cluster.nodes()).hasSize(6);
    assertThat(cluster.primaries()).hasSize(3);
    assertThat(cluster.replicas()).hasSize(3);
    assertThat(cluster.primaries()).doesNotContainAnyElementsOf(cluster.replicas());
    Set<RedisNode> replicas = new HashSet<>();
    for (RedisNode primary : cluster.primaries()) {
      RedisNode replica = cluster.replicaOf(primary);
      assertThat(replica).isNotNull();
      replicas.add(replica);
      assertThat(cluster.info(replica, "replication"))
          .contains("role:slave")
          .contains("master_port:" + primary.port())
          .contains("master_link_status:up");
    }
    assertThat(replicas).containsExactlyInAnyOrderElementsOf(cluster.replicas());
    for (RedisNode node : cluster.nodes()) {
      assertThat(node.port()).isNotEqualTo(6379).isLessThan(FreePorts.MAX_CLUSTER_PORT);
      assertThat(node.uri()).isEqualTo("redis://127.0.0.1:" + node.port());
      assertThat(node.nodeId()).hasSize(40);
      assertThat(node.logFile()).exists();
    }
    assertThat(cluster.seedUri()).isEqualTo(cluster.nodes().get(0).uri());
    assertThat(cluster.nodeUris()).hasSize(6).doesNotHaveDuplicates();
  }

  @Test
  void keysOfEverySlotRangeAreWrittenAndReadThroughAClusterClientOnTheirPrimary() {
    RedisAdvancedClusterCommands<String, String> redis = connection.sync();
    Map<RedisNode, String> keyPerPrimary = new LinkedHashMap<>();
    for (int i = 0; keyPerPrimary.size() < 3; i++) {
      keyPerPrimary.putIfAbsent(cluster.primaryForKey("key-" + i), "key-" + i);
    }

    keyPerPrimary.values().forEach(key -> redis.set(key, "value of " + key));

    assertThat(keyPerPrimary.keySet()).containsExactlyInAnyOrderElementsOf(cluster.primaries());
    for (Map.Entry<RedisNode, String> e : keyPerPrimary.entrySet()) {
      String key = e.getValue();
      assertThat(redis.get(key)).isEqualTo("value of " + key);
      // The key lives on the primary the testkit names, and the testkit agrees with Redis on the
      // slot.
      try (RedisClient direct = RedisClient.create(e.getKey().uri());
          StatefulRedisConnection<String, String> node = direct.connect()) {
        assertThat(node.sync().clusterKeyslot(key)).isEqualTo(SlotHash.getSlot(key));
        assertThat(node.sync().get(key)).isEqualTo("value of " + key);
      }
    }
  }

  @Test
  void commandStatsCountEveryGetOnThePrimaryThatServedIt() {
    RedisAdvancedClusterCommands<String, String> redis = connection.sync();
    List<String> keys = IntStream.range(0, 30).mapToObj(i -> "stats-" + i).toList();
    keys.forEach(key -> redis.set(key, "v"));
    cluster.resetStats();

    keys.forEach(redis::get);

    Map<RedisNode, Long> expected =
        keys.stream().collect(Collectors.groupingBy(cluster::primaryForKey, Collectors.counting()));
    Map<RedisNode, Long> actual = new HashMap<>();
    for (RedisNode node : cluster.nodes()) {
      long gets = cluster.commandStats(node).getOrDefault("get", 0L);
      if (gets > 0) {
        actual.put(node, gets);
      }
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(cluster.commandStats()).containsEntry("get", 30L).doesNotContainKey("set");
  }

  @Test
  void flushAllEmptiesEveryPrimary() {
    RedisAdvancedClusterCommands<String, String> redis = connection.sync();
    IntStream.range(0, 20).forEach(i -> redis.set("flush-" + i, "v"));

    cluster.flushAll();

    assertThat(redis.dbsize()).isZero();
  }

  @Test
  void pauseHoldsClientsOfThatNodeForTheGivenTime() {
    RedisNode primary = cluster.primaries().get(0);
    try (RedisClient direct = RedisClient.create(primary.uri());
        StatefulRedisConnection<String, String> node = direct.connect()) {
      primary.pause(Duration.ofMillis(600));
      long start = System.nanoTime();

      node.sync().ping();

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(300));
    }
  }

  @Test
  void infoAnswersFromTheNodeAsked() {
    RedisNode node = cluster.nodes().get(4);

    assertThat(cluster.info(node, "server")).contains("tcp_port:" + node.port());
  }
}
