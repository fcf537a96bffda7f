package io.github.tieredcache.redis;

import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.spi.Namespace;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** What the Redis-backed tests share: client resources, namespaces, raw access to nodes. */
final class TestRedis {

  /** One set of event loops for every store the tests build; the JVM's exit stops it. */
  static final ClientResources RESOURCES = DefaultClientResources.create();

  private TestRedis() {}

  /** A builder of a store on the shared cluster, on the shared resources. */
  static RedisTierStoreBuilder onSharedCluster() {
    return RedisTierStore.cluster(LocalRedisCluster.shared().seedUri()).clientResources(RESOURCES);
  }

  /** A namespace of a cache no other test uses. */
  static Namespace uniqueNamespace(String... tiers) {
    return Namespace.of("it-" + UUID.randomUUID().toString().substring(0, 8), List.of(tiers));
  }

  /** Runs {@code action} on a fresh binary connection to one server (a node or a standalone). */
  static <T> T onNode(String uri, Function<StatefulRedisConnection<byte[], byte[]>, T> action) {
    RedisClient client = RedisClient.create(RESOURCES, RedisURI.create(uri));
    try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
      c.setTimeout(Duration.ofSeconds(5));
      return action.apply(c);
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /** Runs {@code action} on a fresh binary connection to the shared cluster. */
  static <T> T onSharedCluster(Function<StatefulRedisClusterConnection<byte[], byte[]>, T> action) {
    RedisClusterClient client =
        RedisClusterClient.create(RESOURCES, RedisURI.create(LocalRedisCluster.shared().seedUri()));
    try (StatefulRedisClusterConnection<byte[], byte[]> c =
        client.connect(ByteArrayCodec.INSTANCE)) {
      c.setTimeout(Duration.ofSeconds(5));
      return action.apply(c);
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /** Returns the {@code redis_version} of {@code cluster}'s first primary, as {@code 7.0.15}. */
  static String version(LocalRedisCluster cluster) {
    return cluster
        .info(cluster.primaries().get(0), "server")
        .lines()
        .filter(l -> l.startsWith("redis_version:"))
        .map(l -> l.substring("redis_version:".length()).trim())
        .findFirst()
        .orElseThrow();
  }

  /** Whether {@code cluster}'s servers have sharded pub/sub ({@code SPUBLISH}: Redis 7 and on). */
  static boolean hasShardedPubSub(LocalRedisCluster cluster) {
    return Integer.parseInt(version(cluster).split("\\.")[0]) >= 7;
  }

  /** Returns the bytes of {@code s} in US-ASCII. */
  static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
