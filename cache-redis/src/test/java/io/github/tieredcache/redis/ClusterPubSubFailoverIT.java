package io.github.tieredcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.redis.testkit.RedisNode;
import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.Namespace;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pub/sub through the death (SIGKILL) of a node: the one a store's classic subscription is attached
 * to, or the primary owning the slot of the channel's name. With classic pub/sub (Redis 6.2) the
 * messages must flow again long before the failover completes (about 5 s), since PUBLISH is
 * broadcast from any node. With sharded pub/sub (Redis 7) the channel lives on its slot's shard:
 * the death of another node does not stop its messages (they flow within 3 s), and the death of its
 * own primary stops them until the replica is promoted, within 3 s of which they flow again (see
 * {@link ShardedPubSubIT}).
 */
@SuppressWarnings("try") // subscriptions held open by try-with-resources
class ClusterPubSubFailoverIT {

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
  void whenTheSubscriptionsNodeDiesItMovesToALiveNodeAndTheListenerIsToldAgain() throws Exception {
    Namespace ns =
        Namespace.of("pubsub-" + UUID.randomUUID().toString().substring(0, 8), List.of("hot"));
    PubSubIT.Recorder recorder = new PubSubIT.Recorder();
    try (AutoCloseable s = subscriber.subscribe(ns, recorder)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> recorder.subscriptions.get() == 1);
      RedisNode host =
          cluster.nodes().stream()
              .filter(
                  n ->
                      TestRedis.onNode(n.uri(), c -> c.sync().clientList())
                          .lines()
                          .anyMatch(
                              line -> line.contains("name=subscriber") && line.contains(" sub=1")))
              .findFirst()
              .orElseThrow();

      boolean sharded = TestRedis.hasShardedPubSub(cluster);
      boolean ownsChannel = host.equals(cluster.primaryForKey(PubSubIT.channel(ns)));
      long killedAt = System.nanoTime();
      host.kill();

      if (!sharded) {
        // The classic subscription moved to a live node, and the listener was told.
        await().atMost(Duration.ofSeconds(30)).until(() -> recorder.subscriptions.get() >= 2);
      }
      long resubscribed = (System.nanoTime() - killedAt) / 1_000_000;
      long from = sharded && ownsChannel ? promotion(killedAt) : killedAt;
      long flowing = PubSubIT.awaitDelivery(publisher, ns, recorder, from);
      System.out.printf(
          "pub/sub (%s): the subscription's node %s killed%s: resubscribed after %d ms, messages"
              + " flowing %d ms after the %s%n",
          sharded ? "sharded" : "classic",
          host,
          ownsChannel ? " (it owned the channel's slot)" : "",
          resubscribed,
          flowing,
          from == killedAt ? "kill" : "promotion");
      assertThat(flowing).isLessThan(3_000);
    }
  }

  @Test
  void whenThePrimaryOwningTheChannelNamesSlotDiesPublishingGoesOn() throws Exception {
    Namespace ns =
        Namespace.of("pubsub-" + UUID.randomUUID().toString().substring(0, 8), List.of("hot"));
    PubSubIT.Recorder recorder = new PubSubIT.Recorder();
    try (AutoCloseable s = subscriber.subscribe(ns, recorder)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> recorder.subscriptions.get() == 1);
      publisher.publish(ns, Invalidation.ofAll("warm-up")).join();
      RedisNode slotOwner = cluster.primaryForKey(PubSubIT.channel(ns));
      boolean sharded = TestRedis.hasShardedPubSub(cluster);

      long killedAt = System.nanoTime();
      slotOwner.kill();

      long from = sharded ? promotion(killedAt) : killedAt;
      long flowing = PubSubIT.awaitDelivery(publisher, ns, recorder, from);
      System.out.printf(
          "pub/sub (%s): the channel name's slot owner %s killed: messages flowing %d ms after"
              + " the %s%n",
          sharded ? "sharded" : "classic", slotOwner, flowing, sharded ? "promotion" : "kill");
      assertThat(flowing).isLessThan(3_000);
    }
  }

  /** Waits for the replica of a killed primary to take over; returns when it did (nanoTime). */
  private long promotion(long killedAt) {
    cluster.awaitHealthy(Duration.ofSeconds(30));
    long promotedAt = System.nanoTime();
    System.out.printf(
        "pub/sub: replica promoted %d ms after the kill%n", (promotedAt - killedAt) / 1_000_000);
    return promotedAt;
  }
}
