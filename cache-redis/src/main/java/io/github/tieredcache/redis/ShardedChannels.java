package io.github.tieredcache.redis;

import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sharded subscriptions ({@code SSUBSCRIBE}, Redis 7+) of one store's cluster pub/sub connection,
 * kept on the primary that owns each channel's slot through failovers and slot moves.
 *
 * <p><b>Why not leave it to Lettuce.</b> Lettuce sends a channel's {@code SSUBSCRIBE} to the node
 * that owns its slot and subscribes again when that node's connection reconnects, to the same node
 * only: after a failover the subscription stays with the dead primary (lettuce issue 3213), and
 * after a slot move the old owner ends it ({@code SUNSUBSCRIBE} pushed by Redis) and nobody sends
 * it to the new one.
 *
 * <p><b>What it does.</b> It records which node confirmed each channel ({@code ssubscribed}) and
 * forgets it when that node ends it. Every {@link #RECONCILE_EVERY} and at once after a node ended
 * one, each channel whose confirming node is not the current owner of its slot (in the connection's
 * topology, which the client refreshes, and which is asked to refresh at once while a channel's
 * primary is marked failed or its connection is down: see {@link TopologyRefresh}) is subscribed
 * again through the cluster connection, which routes it to the owner. A confirmation is what tells
 * the listeners they are subscribed again (and so that they may have missed messages); see {@link
 * Subscriptions}.
 *
 * <p><b>Feature detection.</b> A server without sharded pub/sub (before Redis 7) refuses {@code
 * SSUBSCRIBE} as an unknown command; the store then relies on its classic subscription, which it
 * always holds too, and tries sharded again every {@link #RETRY_UNSUPPORTED_EVERY}, so a cluster
 * upgraded under running instances is heard on both within that time.
 *
 * <p>Thread-safe; callbacks arrive on a Lettuce event loop and never block.
 */
final class ShardedChannels extends RedisClusterPubSubAdapter<byte[], byte[]> {

  private static final Logger log = LoggerFactory.getLogger(ShardedChannels.class);

  static final long RECONCILE_EVERY_MS = 1_000;
  static final long RETRY_UNSUPPORTED_EVERY_MS = 30_000;

  private final StatefulRedisClusterPubSubConnection<byte[], byte[]> connection;
  private final ScheduledExecutorService scheduler;
  private final Runnable onRefused;
  private final TopologyRefresh topology;

  /** Every wanted channel, with the node id that confirmed it, or "" while none has. */
  private final Map<String, String> confirmedBy = new ConcurrentHashMap<>();

  /** Channels whose SSUBSCRIBE is in flight. */
  private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();

  private final ScheduledFuture<?> reconciling;
  private volatile boolean supported = true;
  private volatile long refusedAt;

  ShardedChannels(
      StatefulRedisClusterPubSubConnection<byte[], byte[]> connection,
      ScheduledExecutorService scheduler,
      Runnable onRefused,
      TopologyRefresh topology) {
    this.connection = connection;
    this.topology = topology;
    this.scheduler = scheduler;
    this.onRefused = onRefused;
    connection.addListener(this);
    this.reconciling =
        scheduler.scheduleWithFixedDelay(
            this::reconcile, RECONCILE_EVERY_MS, RECONCILE_EVERY_MS, TimeUnit.MILLISECONDS);
  }

  /**
   * Wants {@code channel} subscribed, sharded, on its slot's owner from now on; {@code onRefused}
   * (given at construction) runs when the server refuses sharded pub/sub.
   */
  void subscribe(String channel) {
    confirmedBy.putIfAbsent(channel, "");
    if (supported) {
      send(channel);
    }
  }

  /** No longer wants {@code channel}; ends its sharded subscription. */
  void unsubscribe(String channel) {
    if (confirmedBy.remove(channel) != null && supported) {
      connection
          .async()
          .sunsubscribe(bytes(channel))
          .exceptionally(
              e -> {
                log.debug("Could not end the sharded subscription of {}", channel, e);
                return null;
              });
    }
  }

  /** Whether the server took {@code SSUBSCRIBE} the last time it was tried. */
  boolean supported() {
    return supported;
  }

  /** Whether {@code channel} is subscribed on the node that owns its slot now (for tests). */
  boolean onOwner(String channel) {
    String by = confirmedBy.get(channel);
    RedisClusterNode owner = owner(channel);
    return by != null && owner != null && by.equals(owner.getNodeId());
  }

  /** Stops reconciling (the connection is closed by its owner). */
  void close() {
    reconciling.cancel(false);
    confirmedBy.clear();
  }

  @Override
  public void ssubscribed(RedisClusterNode node, byte[] channel, long count) {
    String name = name(channel);
    String id = node == null ? null : node.getNodeId();
    if (id != null) {
      confirmedBy.replace(name, id);
    }
    supported = true; // (again, after a refusal: the cluster was upgraded)
  }

  @Override
  public void sunsubscribed(RedisClusterNode node, byte[] channel, long count) {
    String name = name(channel);
    String id = node == null ? null : node.getNodeId();
    if (id != null && confirmedBy.replace(name, id, "")) {
      // The node ended it (the slot moved away, or we asked): ask the owner now, if still wanted.
      scheduler.execute(this::reconcile);
    }
  }

  /**
   * Subscribes again every wanted channel not confirmed by its slot's current owner; where the
   * server refused sharded pub/sub, tries it again once {@link #RETRY_UNSUPPORTED_EVERY_MS} passed.
   */
  void reconcile() {
    boolean probe = !supported;
    if (probe) {
      if (System.nanoTime() - refusedAt
          < TimeUnit.MILLISECONDS.toNanos(RETRY_UNSUPPORTED_EVERY_MS)) {
        return;
      }
      refusedAt = System.nanoTime();
    }
    for (Map.Entry<String, String> entry : confirmedBy.entrySet()) {
      RedisClusterNode owner = owner(entry.getKey());
      if (owner == null
          || owner.is(RedisClusterNode.NodeFlag.FAIL)
          || owner.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL)) {
        // The owner is dead: learn its replica's promotion soon, and look again once learnt.
        topology.request(() -> scheduler.execute(this::reconcile));
      } else if (!entry.getValue().equals(owner.getNodeId())) {
        send(entry.getKey());
      } else {
        refreshIfDown(owner.getNodeId());
      }
    }
  }

  /**
   * The channel is confirmed by its owner as this topology knows it, but a killed owner is not
   * marked failed in a topology read before the cluster noticed: while the owner's connection is
   * down, learn the topology soon (a promotion would otherwise wait for the client's periodic
   * refresh, seconds later), and look again once learnt.
   */
  private void refreshIfDown(String nodeId) {
    connection
        .getConnectionAsync(nodeId)
        .whenComplete(
            (node, error) -> {
              if (error != null || !node.isOpen()) {
                topology.request(() -> scheduler.execute(this::reconcile));
              }
            });
  }

  private void send(String channel) {
    if (inFlight.putIfAbsent(channel, Boolean.TRUE) != null) {
      return;
    }
    // Not on the caller's thread, often a Lettuce event loop: Lettuce routes SSUBSCRIBE as a read
    // command, whose node connection it may wait for (join) while it is being made.
    CompletableFuture<Void> sent =
        CompletableFuture.supplyAsync(
                () -> connection.async().ssubscribe(bytes(channel)).toCompletableFuture(),
                ForkJoinPool.commonPool())
            .thenCompose(f -> f);
    sent.whenComplete(
        (ok, error) -> {
          inFlight.remove(channel);
          if (error == null) {
            return;
          }
          if (Refusals.unknownCommand(error)) {
            refusedAt = System.nanoTime();
            if (supported) {
              supported = false;
              log.info(
                  "Redis has no sharded pub/sub (SSUBSCRIBE, Redis 7+): invalidations use classic"
                      + " pub/sub, which the cluster broadcasts to every node; tried again every"
                      + " {} s",
                  RETRY_UNSUPPORTED_EVERY_MS / 1000);
              onRefused.run();
            }
          } else {
            log.debug("Could not subscribe (sharded) to {}; retried shortly", channel, error);
          }
        });
  }

  private @Nullable RedisClusterNode owner(String channel) {
    Partitions partitions = connection.getPartitions();
    return partitions.getPartitionBySlot(SlotHash.getSlot(bytes(channel)));
  }

  private static byte[] bytes(String channel) {
    return channel.getBytes(StandardCharsets.US_ASCII);
  }

  private static String name(byte[] channel) {
    return new String(channel, StandardCharsets.US_ASCII);
  }
}
