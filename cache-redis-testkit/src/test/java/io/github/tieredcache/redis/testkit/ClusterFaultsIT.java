package io.github.tieredcache.redis.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The faults the fault suite injects, each shown to do what its name says; one private cluster. */
class ClusterFaultsIT {

  private static LocalRedisCluster cluster;

  @BeforeAll
  static void start() {
    cluster = LocalRedisCluster.start(ClusterOptions.defaults());
  }

  @AfterAll
  static void close() {
    cluster.close();
  }

  @Test
  void aSuspendedNodeAnswersNothingUntilResumed() {
    RedisNode node = cluster.replicas().get(0);
    RedisClient client = RedisClient.create();
    RedisURI uri = RedisURI.create(node.uri());
    uri.setTimeout(Duration.ofMillis(300));
    try (StatefulRedisConnection<String, String> c = client.connect(uri)) {
      node.suspend();
      try {
        assertThat(node.isAlive()).isTrue();
        assertThatThrownBy(() -> c.sync().ping()).hasMessageContaining("timed out");
      } finally {
        node.resume();
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> "PONG".equals(c.sync().ping()));

      node.suspendFor(Duration.ofMillis(200));
      await().atMost(Duration.ofSeconds(5)).until(() -> "PONG".equals(c.sync().ping()));
    } finally {
      client.shutdown();
    }
  }

  @Test
  void failoverSwapsAPrimaryAndItsReplica() {
    RedisNode primary = cluster.primaries().get(0);
    RedisNode replica = cluster.replicaOf(primary);
    assertThat(replica).isNotNull();

    replica.failover();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(cluster.info(replica, "replication")).contains("role:master"));
    cluster.awaitHealthy(Duration.ofSeconds(30));
    assertThat(cluster.replicaOf(replica)).isEqualTo(primary);
  }

  @Test
  void killingPubSubClientsDisconnectsASubscriber() {
    RedisNode node = cluster.primaries().get(1);
    RedisClient client = RedisClient.create(node.uri());
    try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub()) {
      sub.sync().subscribe("faults-it");
      assertThat(cluster.killPubSubClients()).isPositive();
    } finally {
      client.shutdown();
    }
  }

  @Test
  void debugReloadKeepsTheData() {
    try (Session s = new Session()) {
      String key = "reload-k";
      s.connection.sync().set(key, "v");
      RedisNode owner = cluster.primaryForKey(key);
      owner.debugReload();
      assertThat(s.connection.sync().get(key)).isEqualTo("v");
    }
  }

  @Test
  void migratedSlotsMoveWithTheirKeys() {
    try (Session s = new Session()) {
      RedisNode from = cluster.primaries().get(2);
      RedisNode to = cluster.primaries().stream().filter(p -> p != from).findFirst().orElseThrow();
      List<String> keys =
          IntStream.range(0, 2_000)
              .mapToObj(i -> "mig" + i)
              .filter(k -> cluster.primaryForKey(k) == from)
              .limit(50)
              .toList();
      keys.forEach(k -> s.connection.sync().set(k, k));
      int firstSlot = keys.stream().mapToInt(SlotHash::getSlot).min().orElseThrow();

      List<Integer> moved = cluster.migrateSlots(from, to, 20);

      assertThat(moved).hasSize(20);
      cluster.awaitHealthy(Duration.ofSeconds(30));
      for (String key : keys) {
        assertThat(s.connection.sync().get(key)).isEqualTo(key);
        if (moved.contains(SlotHash.getSlot(key))) {
          assertThat(cluster.primaryForKey(key)).isEqualTo(to);
        }
      }
      assertThat(moved.get(0)).isLessThanOrEqualTo(firstSlot);
    }
  }

  @Test
  void aKilledShardLeavesItsSlotsUnservedUntilRestarted() {
    RedisNode primary = cluster.primaries().get(1);
    List<RedisNode> shard = cluster.killShard(primary);
    assertThat(shard).hasSize(2).allMatch(n -> !n.isAlive());
    RedisNode other =
        cluster.primaries().stream().filter(p -> p != primary).findFirst().orElseThrow();
    RedisClient client = RedisClient.create(other.uri());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      String ownKey =
          IntStream.range(0, 1_000)
              .mapToObj(i -> "own" + i)
              .filter(k -> cluster.primaryForKey(k) == other)
              .findFirst()
              .orElseThrow();
      await("the surviving primaries refuse even their own slots (full coverage required)")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThatThrownBy(() -> c.sync().get(ownKey))
                      .hasMessageContaining("CLUSTERDOWN"));
    } finally {
      client.shutdown();
    }
    shard.forEach(RedisNode::restart);
    cluster.awaitHealthy(Duration.ofSeconds(60));
    assertThat(cluster.nodes()).allMatch(RedisNode::isAlive);
  }

  /** A cluster connection that follows redirections and topology changes. */
  private static final class Session implements AutoCloseable {
    final RedisClusterClient client =
        RedisClusterClient.create(cluster.nodeUris().stream().map(RedisURI::create).toList());
    final StatefulRedisClusterConnection<String, String> connection;

    Session() {
      client.setOptions(
          ClusterClientOptions.builder()
              .topologyRefreshOptions(
                  ClusterTopologyRefreshOptions.builder()
                      .enableAllAdaptiveRefreshTriggers()
                      .build())
              .build());
      connection = client.connect();
    }

    @Override
    public void close() {
      connection.close();
      client.shutdown();
    }
  }
}
