package io.github.tieredcache.redis;

import static io.github.tieredcache.redis.TestRedis.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.redis.testkit.RedisNode;
import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.InvalidationListener;
import io.github.tieredcache.spi.Namespace;
import io.lettuce.core.KillArgs;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Invalidation messages between two instances over Redis Cluster pub/sub, and resubscription. */
@SuppressWarnings("try") // subscriptions held open by try-with-resources
class PubSubIT {

  private final LocalRedisCluster cluster = LocalRedisCluster.shared();
  private RedisTierStore a;
  private RedisTierStore b;

  @BeforeEach
  void open() {
    a = TestRedis.onSharedCluster().build();
    b = TestRedis.onSharedCluster().build();
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  /** Records what a listener hears. */
  /**
   * Publishes a marker from {@code publisher} every 50 ms until {@code recorder} has it (at most 30
   * s); returns the milliseconds since {@code since} (a {@code nanoTime}).
   */
  static long awaitDelivery(RedisTierStore publisher, Namespace ns, Recorder recorder, long since) {
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

  /** The name of {@code ns}'s invalidation channel (the default key prefix). */
  static String channel(Namespace ns) {
    return "tc:" + ns.cacheName() + ":inv";
  }

  static final class Recorder implements InvalidationListener {
    final List<Invalidation> messages = new CopyOnWriteArrayList<>();
    final AtomicInteger subscriptions = new AtomicInteger();

    @Override
    public void onInvalidation(Invalidation message) {
      messages.add(message);
    }

    @Override
    public void onSubscribed() {
      subscriptions.incrementAndGet();
    }
  }

  @Test
  void aMessageFromOneInstanceReachesTheOtherAndItsSenderToo() throws Exception {
    Namespace ns = TestRedis.uniqueNamespace("hot");
    Recorder atA = new Recorder();
    Recorder atB = new Recorder();
    try (AutoCloseable sa = a.subscribe(ns, atA);
        AutoCloseable sb = b.subscribe(ns, atB)) {
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> atA.subscriptions.get() == 1 && atB.subscriptions.get() == 1);

      a.publish(ns, Invalidation.ofKey("a", ascii("k1"))).join();
      b.publish(ns, Invalidation.ofAll("b")).join();

      // Two senders publish on two connections: the cluster bus promises no order between
      // them (each sender's own messages are ordered by its sequence numbers), only delivery.
      List<Invalidation> expected =
          List.of(Invalidation.ofKey("a", ascii("k1")), Invalidation.ofAll("b"));
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> assertThat(atB.messages).containsExactlyInAnyOrderElementsOf(expected));
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> assertThat(atA.messages).containsExactlyInAnyOrderElementsOf(expected));
    }
  }

  @Test
  void killedSubscriberConnectionsAreResubscribedAndTheListenerIsToldAgain() throws Exception {
    Namespace ns = TestRedis.uniqueNamespace("hot");
    Recorder atB = new Recorder();
    try (AutoCloseable sb = b.subscribe(ns, atB)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> atB.subscriptions.get() == 1);

      long killed = 0;
      for (RedisNode node : cluster.nodes()) {
        killed +=
            TestRedis.onNode(node.uri(), c -> c.sync().clientKill(KillArgs.Builder.typePubsub()));
      }
      assertThat(killed).isPositive();

      await().atMost(Duration.ofSeconds(10)).until(() -> atB.subscriptions.get() >= 2);
      a.publish(ns, Invalidation.ofKey("a", ascii("after"))).join();
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> assertThat(atB.messages).contains(Invalidation.ofKey("a", ascii("after"))));
    }
  }

  @Test
  void aSecondListenerOnAnActiveChannelIsToldItIsSubscribedAndTheFirstIsNotToldAgain()
      throws Exception {
    Namespace ns = TestRedis.uniqueNamespace("hot");
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    try (AutoCloseable s1 = b.subscribe(ns, first)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> first.subscriptions.get() == 1);
      try (AutoCloseable s2 = b.subscribe(ns, second)) {
        await().atMost(Duration.ofSeconds(5)).until(() -> second.subscriptions.get() == 1);
        a.publish(ns, Invalidation.ofAll("a")).join();
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> first.messages.size() == 1 && second.messages.size() == 1);
      }
      a.publish(ns, Invalidation.ofAll("a2")).join();
      await().atMost(Duration.ofSeconds(5)).until(() -> first.messages.size() == 2);
      assertThat(second.messages).hasSize(1);
      assertThat(first.subscriptions.get()).isEqualTo(1);
    }
  }

  @Test
  void messagesThatAreNotInvalidationsAreIgnored() throws Exception {
    Namespace ns = TestRedis.uniqueNamespace("hot");
    Recorder atB = new Recorder();
    try (AutoCloseable sb = b.subscribe(ns, atB)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> atB.subscriptions.get() == 1);

      TestRedis.onSharedCluster(
          c -> c.sync().publish(ascii("tc:" + ns.cacheName() + ":inv"), ascii("garbage")));
      a.publish(ns, Invalidation.ofKey("a", ascii("k"))).join();

      await().atMost(Duration.ofSeconds(5)).until(() -> !atB.messages.isEmpty());
      assertThat(atB.messages).containsExactly(Invalidation.ofKey("a", ascii("k")));
    }
  }

  @Test
  void aListenerThatThrowsDoesNotStopDeliveryToOthers() throws Exception {
    Namespace ns = TestRedis.uniqueNamespace("hot");
    Recorder healthy = new Recorder();
    InvalidationListener broken =
        new InvalidationListener() {
          @Override
          public void onInvalidation(Invalidation message) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onSubscribed() {
            throw new IllegalStateException("listener bug");
          }
        };
    try (AutoCloseable s1 = b.subscribe(ns, broken);
        AutoCloseable s2 = b.subscribe(ns, healthy)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> healthy.subscriptions.get() >= 1);
      a.publish(ns, Invalidation.ofAll("a")).join();
      a.publish(ns, Invalidation.ofAll("a")).join();
      await().atMost(Duration.ofSeconds(5)).until(() -> healthy.messages.size() == 2);
    }
  }
}
