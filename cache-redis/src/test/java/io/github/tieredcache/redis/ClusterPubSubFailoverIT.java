package io.github.tieredcache.redis;

import static io.github.tieredcache.redis.TestRedis.ascii;
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
 * Pub/sub through the death (SIGKILL) of a node: the one a store's subscription is attached to, or
 * the primary owning the slot of the channel's name. Invalidation messages must flow again long
 * before the failover completes (about 5 s), since PUBLISH is broadcast from any node.
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

      long killedAt = System.nanoTime();
      host.kill();

      await().atMost(Duration.ofSeconds(30)).until(() -> recorder.subscriptions.get() >= 2);
      long resubscribed = (System.nanoTime() - killedAt) / 1_000_000;
      long flowing = awaitDelivery(ns, recorder, killedAt);
      System.out.printf(
          "pub/sub: the subscription's node %s killed: resubscribed after %d ms, messages flowing"
              + " after %d ms%n",
          host, resubscribed, flowing);
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
      RedisNode slotOwner = cluster.primaryForKey("tc:" + ns.cacheName() + ":inv");

      long killedAt = System.nanoTime();
      slotOwner.kill();

      long flowing = awaitDelivery(ns, recorder, killedAt);
      System.out.printf(
          "pub/sub: the channel name's slot owner %s killed: messages flowing after %d ms%n",
          slotOwner, flowing);
      assertThat(flowing).isLessThan(3_000);
    }
  }

  /** Publishes until a message arrives; returns the milliseconds since {@code since}. */
  private long awaitDelivery(Namespace ns, PubSubIT.Recorder recorder, long since) {
    Invalidation marker = Invalidation.ofKey("publisher", ascii("after-" + since));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              publisher.publish(ns, marker).join();
              assertThat(recorder.messages).contains(marker);
            });
    return (System.nanoTime() - since) / 1_000_000;
  }
}
