package io.github.tieredcache.redis.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The classpath fallback: the redis-server 6.2 inside com.github.codemonstur:embedded-redis (a test
 * dependency here) forms a cluster and fails over, without the Redis 7 commands and options.
 */
class EmbeddedBinaryIT {

  private static NodeLauncher launcher;

  @BeforeAll
  static void locate() {
    assumeThat(
            RedisServerLocator.embeddedResource(
                System.getProperty("os.name"), System.getProperty("os.arch")))
        .as("embedded-redis ships a binary for this platform")
        .isNotNull();
    launcher =
        new RedisServerLocator(
                key ->
                    RedisServerLocator.BINARY_PROPERTY.equals(key)
                        ? RedisServerLocator.USE_CLASSPATH
                        : null,
                key -> null,
                EmbeddedBinaryIT.class.getClassLoader(),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                (image, tried) -> null)
            .locate();
  }

  @Test
  void embeddedBinaryIsRedis62() {
    assertThat(launcher.version().major()).isEqualTo(6);
    assertThat(launcher.version().isAtLeast(RedisVersion.MINIMUM)).isTrue();
    assertThat(launcher.description()).contains("embedded-redis");
  }

  @Test
  void formsAClusterThatServesEverySlotAndFailsOver() {
    try (LocalRedisCluster cluster = LocalRedisCluster.start(ClusterOptions.defaults(), launcher)) {
      assertThat(cluster.info(cluster.nodes().get(0), "server")).contains("redis_version:6.2");
      RedisClusterClient client =
          RedisClusterClient.create(cluster.nodeUris().stream().map(RedisURI::create).toList());
      try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
        IntStream.range(0, 30).forEach(i -> connection.sync().set("k" + i, "v" + i));
        assertThat(connection.sync().get("k7")).isEqualTo("v7");
      } finally {
        client.shutdown();
      }

      RedisNode primary = cluster.primaries().get(0);
      RedisNode replica = cluster.replicaOf(primary);
      primary.kill();

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(cluster.info(replica, "replication")).contains("role:master"));
      cluster.awaitHealthy(Duration.ofSeconds(30));
      assertThat(cluster.primaries()).contains(replica).doesNotContain(primary);
    }
  }

  @Test
  void startsAStandaloneServer() {
    try (LocalRedisServer server = LocalRedisServer.start(launcher)) {
      assertThat(server.info("server")).contains("redis_version:6.2");
      server.restart();
      assertThat(server.isAlive()).isTrue();
    }
  }
}
