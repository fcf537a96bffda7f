package io.github.tieredcache.redis.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fault injection, each test on a private cluster so the shared one stays intact. */
class ClusterFailoverIT {

  private LocalRedisCluster cluster;

  @BeforeEach
  void start() {
    cluster = LocalRedisCluster.start(ClusterOptions.defaults());
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void killedPrimaryIsReplacedByItsReplicaAndRejoinsAsReplicaAfterRestart() {
    RedisNode primary = cluster.primaries().get(1);
    RedisNode replica = cluster.replicaOf(primary);
    assertThat(replica).isNotNull();

    primary.kill();

    assertThat(primary.isAlive()).isFalse();
    await("replica promoted")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> assertThat(cluster.info(replica, "replication")).contains("role:master"));
    cluster.awaitHealthy(Duration.ofSeconds(30));
    assertThat(cluster.primaries()).hasSize(3).contains(replica).doesNotContain(primary);
    assertThat(cluster.replicaOf(replica)).isNull();
    assertThat(cluster.replicas()).hasSize(2);
    assertEveryRangeWritable(cluster);

    primary.restart();
    cluster.awaitHealthy(Duration.ofSeconds(30));

    assertThat(primary.isAlive()).isTrue();
    assertThat(cluster.replicaOf(replica)).isEqualTo(primary);
    assertThat(cluster.replicas()).hasSize(3).contains(primary);
  }

  @Test
  void stopAllTakesTheClusterDownAndStartAllBringsItBackWithTheSameNodes() {
    List<String> uris = cluster.nodeUris();

    cluster.stopAll();

    assertThat(cluster.nodes()).noneMatch(RedisNode::isAlive);

    cluster.startAll();

    assertThat(cluster.nodes()).allMatch(RedisNode::isAlive);
    assertThat(cluster.nodeUris()).isEqualTo(uris);
    assertThat(cluster.primaries()).hasSize(3);
    assertThat(cluster.replicas()).hasSize(3);
    assertEveryRangeWritable(cluster);
  }

  @Test
  void gracefullyStoppedReplicaIsNotInTheLayoutUntilRestarted() {
    RedisNode replica = cluster.replicas().get(0);

    replica.stop();
    cluster.awaitHealthy(Duration.ofSeconds(30));

    assertThat(cluster.replicas()).hasSize(2).doesNotContain(replica);

    replica.restart();
    cluster.awaitHealthy(Duration.ofSeconds(30));

    assertThat(cluster.replicas()).hasSize(3).contains(replica);
  }

  private static void assertEveryRangeWritable(LocalRedisCluster cluster) {
    RedisClusterClient client =
        RedisClusterClient.create(cluster.nodeUris().stream().map(RedisURI::create).toList());
    client.setOptions(
        ClusterClientOptions.builder()
            .topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers().build())
            .build());
    try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
      // Keys enough to hit every primary; the layout proves they do.
      List<String> keys = IntStream.range(0, 50).mapToObj(i -> "k" + i).toList();
      assertThat(keys.stream().map(cluster::primaryForKey).distinct()).hasSize(3);
      for (String key : keys) {
        connection.sync().set(key, key);
        assertThat(connection.sync().get(key)).isEqualTo(key);
      }
    } finally {
      client.shutdown();
    }
  }
}
