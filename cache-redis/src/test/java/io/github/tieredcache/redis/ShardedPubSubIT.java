package io.github.tieredcache.redis;

import static io.github.tieredcache.redis.TestRedis.ascii;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.redis.testkit.RedisNode;
import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.Namespace;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sharded invalidation: on Redis 7 a cache's messages travel by {@code SPUBLISH} to the one shard
 * that owns its channel's slot, where every subscriber holds an {@code SSUBSCRIBE}, and that
 * subscription follows the channel when its primary is killed (the promoted replica) or its slot
 * moves to another primary. On an older server (the it-redis-6.2 run) the same store publishes
 * classic {@code PUBLISH} and is heard as before.
 */
@SuppressWarnings("try") // subscriptions held open by try-with-resources
class ShardedPubSubIT {

  private LocalRedisCluster cluster;
  private RedisTierStore subscriber;
  private RedisTierStore publisher;

  @BeforeEach
  void open() {
    cluster = LocalRedisCluster.start();
    subscriber =
        RedisTierStore.cluster(cluster.seedUri()).options(o -> o.clientName("subscriber")).build();
    publisher =
        RedisTierStore.cluster(cluster.seedUri()).options(o -> o.clientName("publisher")).build();
  }

  @AfterEach
  void close() {
    subscriber.close();
    publisher.close();
    cluster.close();
  }

  @Test
  void messagesGoToTheChannelsShardOnlyWhereTheServerHasShardedPubSub() throws Exception {
    Namespace ns = TestRedis.uniqueNamespace("hot");
    PubSubIT.Recorder recorder = new PubSubIT.Recorder();
    try (AutoCloseable s = subscriber.subscribe(ns, recorder)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.isSubscribed(ns));
      cluster.resetStats();
      List<Invalidation> sent = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        Invalidation message = Invalidation.ofKey("publisher", i + 1, ascii("k" + i));
        sent.add(message);
        publisher.publish(ns, message).join();
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> recorder.messages.containsAll(sent));

      RedisNode owner = cluster.primaryForKey(PubSubIT.channel(ns));
      long spublishOnOwner = calls(owner, "spublish");
      long spublishElsewhere = 0;
      long publishAnywhere = 0;
      for (RedisNode node : cluster.nodes()) {
        if (!node.equals(owner)) {
          spublishElsewhere += calls(node, "spublish");
        }
        publishAnywhere += calls(node, "publish");
      }
      System.out.printf(
          "pub/sub on Redis %s: 20 messages: SPUBLISH on the channel's primary %d, elsewhere %d;"
              + " PUBLISH %d%n",
          version(), spublishOnOwner, spublishElsewhere, publishAnywhere);
      if (shardedServer()) {
        assertThat(publisher.publishesSharded()).isTrue();
        assertThat(spublishOnOwner).as("SPUBLISH on the channel's primary").isEqualTo(20);
        assertThat(spublishElsewhere).as("SPUBLISH on other nodes").isZero();
        assertThat(publishAnywhere).as("classic PUBLISH (broadcast)").isZero();
        assertThat(shardSubscribers(owner, ns)).as("sharded subscribers on the owner").isEqualTo(1);
      } else {
        assertThat(publisher.publishesSharded()).isFalse();
        assertThat(publishAnywhere).as("classic PUBLISH").isEqualTo(20);
        assertThat(recorder.subscriptions.get()).as("listener told it is subscribed").isOne();
      }
    }
  }

  @Test
  void whenTheChannelsPrimaryIsKilledTheSubscriptionMovesToThePromotedReplica() throws Exception {
    Namespace ns = TestRedis.uniqueNamespace("hot");
    PubSubIT.Recorder recorder = new PubSubIT.Recorder();
    try (AutoCloseable s = subscriber.subscribe(ns, recorder)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.isSubscribed(ns));
      int told = recorder.subscriptions.get();
      RedisNode owner = cluster.primaryForKey(PubSubIT.channel(ns));
      RedisNode replica = cluster.replicaOf(owner);
      assertThat(replica).as("replica of the channel's primary").isNotNull();

      long killedAt = System.nanoTime();
      owner.kill();
      cluster.awaitHealthy(Duration.ofSeconds(30));
      long promoted = (System.nanoTime() - killedAt) / 1_000_000;
      assertThat(cluster.primaryForKey(PubSubIT.channel(ns))).isEqualTo(replica);

      long flowing = PubSubIT.awaitDelivery(publisher, ns, recorder, killedAt);
      System.out.printf(
          "pub/sub on Redis %s: the channel's primary killed: replica promoted after %d ms,"
              + " messages flowing after %d ms%n",
          version(), promoted, flowing);
      if (shardedServer()) {
        // It may have missed messages while its subscription was on the dead primary.
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> subscriber.isSubscribed(ns) && recorder.subscriptions.get() > told);
        assertThat(shardSubscribers(replica, ns))
            .as("sharded subscribers on the promoted replica")
            .isEqualTo(1);
      }
    }
  }

  @Test
  void whenTheChannelsSlotMovesTheSubscriptionFollowsIt() throws Exception {
    Namespace ns = TestRedis.uniqueNamespace("hot");
    PubSubIT.Recorder recorder = new PubSubIT.Recorder();
    try (AutoCloseable s = subscriber.subscribe(ns, recorder)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.isSubscribed(ns));
      int told = recorder.subscriptions.get();
      RedisNode from = cluster.primaryForKey(PubSubIT.channel(ns));
      RedisNode to =
          cluster.primaries().stream().filter(n -> !n.equals(from)).findFirst().orElseThrow();

      long movedAt = System.nanoTime();
      cluster.migrateSlot(SlotHash.getSlot(PubSubIT.channel(ns)), to);
      assertThat(cluster.primaryForKey(PubSubIT.channel(ns))).isEqualTo(to);

      long flowing = PubSubIT.awaitDelivery(publisher, ns, recorder, movedAt);
      System.out.printf(
          "pub/sub on Redis %s: the channel's slot moved to %s: messages flowing after %d ms%n",
          version(), to, flowing);
      if (shardedServer()) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> subscriber.isSubscribed(ns) && recorder.subscriptions.get() > told);
        assertThat(shardSubscribers(to, ns)).as("sharded subscribers on the new owner").isOne();
        assertThat(shardSubscribers(from, ns)).as("sharded subscribers on the old owner").isZero();
      }
    }
  }

  private long calls(RedisNode node, String command) {
    return node.isAlive() ? cluster.commandStats(node).getOrDefault(command, 0L) : 0;
  }

  private static long shardSubscribers(RedisNode node, Namespace ns) {
    byte[] channel = PubSubIT.channel(ns).getBytes(US_ASCII);
    Map<byte[], Long> counts =
        TestRedis.onNode(node.uri(), c -> c.sync().pubsubShardNumsub(channel));
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private String version() {
    return TestRedis.version(cluster);
  }

  private boolean shardedServer() {
    return TestRedis.hasShardedPubSub(cluster);
  }
}
