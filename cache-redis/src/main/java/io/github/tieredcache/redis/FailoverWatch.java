package io.github.tieredcache.redis;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * Tells a store when its cluster promoted a replica: a failover may have lost writes and removals
 * the old primary had acknowledged but not yet replicated, so readers must stop trusting what they
 * read before (see {@code InvalidationListener#onStoreFault}).
 *
 * <p>It watches Lettuce's {@link ClusterTopologyChangedEvent}s, published on the client's event bus
 * whenever a topology refresh (periodic, or adaptive after a redirection or reconnect) finds a
 * changed view. A node that is a primary after a change and was not one before is a promotion. Slot
 * migrations move keys with {@code MIGRATE}, which loses nothing, and change no primary, so they
 * are not reported. The event bus belongs to the client's {@code ClientResources}: clients that
 * share resources see each other's changes, which costs a needless report (one more load per key),
 * never a missed one.
 */
final class FailoverWatch {

  private static final Logger log = LoggerFactory.getLogger(FailoverWatch.class);

  private FailoverWatch() {}

  /** Watches {@code client}; returns what stops watching. */
  static Runnable start(RedisClusterClient client, Consumer<String> onFailover) {
    Disposable subscription =
        client
            .getResources()
            .eventBus()
            .get()
            .filter(ClusterTopologyChangedEvent.class::isInstance)
            .cast(ClusterTopologyChangedEvent.class)
            .subscribe(
                event -> {
                  String promoted = promoted(event.before(), event.after());
                  if (promoted != null) {
                    onFailover.accept("a replica was promoted to primary (" + promoted + ")");
                  }
                },
                error -> log.warn("Stopped watching the cluster topology", error));
    return subscription::dispose;
  }

  /**
   * Returns the nodes that are primaries in {@code after} but were not in {@code before}, or null
   * if none is (or {@code before} is empty: the first view).
   */
  static @Nullable String promoted(List<RedisClusterNode> before, List<RedisClusterNode> after) {
    if (before.isEmpty()) {
      return null;
    }
    Set<String> primariesBefore =
        before.stream()
            .filter(FailoverWatch::isPrimary)
            .map(RedisClusterNode::getNodeId)
            .collect(Collectors.toSet());
    String promoted =
        after.stream()
            .filter(FailoverWatch::isPrimary)
            .filter(n -> !n.hasNoSlots())
            .filter(n -> !primariesBefore.contains(n.getNodeId()))
            .map(n -> n.getUri().getHost() + ":" + n.getUri().getPort())
            .collect(Collectors.joining(", "));
    return promoted.isEmpty() ? null : promoted;
  }

  private static boolean isPrimary(RedisClusterNode node) {
    return node.is(RedisClusterNode.NodeFlag.UPSTREAM) || node.is(RedisClusterNode.NodeFlag.MASTER);
  }
}
