package io.github.tieredcache.redis;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.tieredcache.spi.ShardUnavailableException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failure isolated per shard: one resilience4j breaker per primary of a cluster, so a primary that
 * fails (killed, failing over, stopped) sends only its own slots' calls to the loader while the
 * other shards keep serving.
 *
 * <p><b>How.</b> A call names a key; its slot's primary is looked up in the cluster connection's
 * current topology, and the call passes through that primary's breaker. While the breaker is open
 * the call fails at once, without being sent. A failure of a call whose shard failed (or was
 * refused) is reported as a {@link ShardUnavailableException}, which a store-wide breaker (core's
 * {@code ResilientTierStore}) does not count, so the one shard's failures never open it for all.
 * Only when every primary's breaker is open is the failure reported as it is, and the store-wide
 * breaker then opens as for any outage.
 *
 * <p><b>Recovery.</b> A failover gives the slots a new primary, with a new breaker, as soon as the
 * client's topology refresh sees it; while a breaker refuses calls, or a slot has no primary, the
 * store asks for that refresh itself, at most once a second ({@link TopologyRefresh}), since no
 * command reaches the dead primary to be redirected; a primary that comes back is probed by {@value
 * #HALF_OPEN_CALLS} calls after {@link #OPEN_FOR}.
 *
 * <p><b>Settings</b> (fixed): the last {@value #WINDOW} calls of a primary, judged from {@value
 * #MINIMUM_CALLS} on, open its breaker at 50 % failures; a timeout is a failure.
 *
 * <p>On one server there is nothing to isolate: calls pass straight through. Thread-safe.
 */
final class ShardGuard {

  private static final Logger log = LoggerFactory.getLogger(ShardGuard.class);

  static final int WINDOW = 10;
  static final int MINIMUM_CALLS = 5;
  static final int HALF_OPEN_CALLS = 2;
  static final Duration OPEN_FOR = Duration.ofSeconds(1);

  private static final CircuitBreakerConfig CONFIG =
      CircuitBreakerConfig.custom()
          .slidingWindow(WINDOW, MINIMUM_CALLS, SlidingWindowType.COUNT_BASED)
          .failureRateThreshold(50)
          .waitDurationInOpenState(OPEN_FOR)
          .permittedNumberOfCallsInHalfOpenState(HALF_OPEN_CALLS)
          .automaticTransitionFromOpenToHalfOpenEnabled(false)
          .ignoreExceptions(IllegalArgumentException.class)
          .writableStackTraceEnabled(false)
          .build();

  private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
  private final TopologyRefresh topology;

  ShardGuard(TopologyRefresh topology) {
    this.topology = topology;
  }

  /**
   * Runs {@code command}, which touches only the slot of {@code slotKey}, through the breaker of
   * that slot's primary.
   */
  <T> CompletableFuture<T> call(
      StatefulConnection<byte[], byte[]> connection,
      byte[] slotKey,
      Supplier<CompletableFuture<T>> command) {
    if (!(connection instanceof StatefulRedisClusterConnection<byte[], byte[]> cluster)) {
      return command.get();
    }
    Partitions partitions = cluster.getPartitions();
    RedisClusterNode node = partitions.getPartitionBySlot(SlotHash.getSlot(slotKey));
    String nodeId = node == null ? null : node.getNodeId();
    if (node == null || nodeId == null) {
      return callUnowned(partitions, command);
    }
    return callNode(partitions, node, nodeId, command);
  }

  /**
   * Runs {@code command} for a slot the topology gives no primary (a failed primary's slots, until
   * its replica is promoted): the cluster connection decides, and its failure is the shard's while
   * other primaries serve.
   */
  <T> CompletableFuture<T> callUnowned(
      Partitions partitions, Supplier<CompletableFuture<T>> command) {
    CompletableFuture<T> sent;
    try {
      sent = command.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return sent.handle(
            (value, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(value);
              }
              topology.request(); // a replica may be promoted for the slot by now
              Throwable cause = Refusals.unwrap(error);
              if (Refusals.liveAnswer(cause)
                  || cause instanceof IllegalArgumentException
                  || !someOtherServes(partitions, null)) {
                return CompletableFuture.<T>failedFuture(cause);
              }
              return CompletableFuture.<T>failedFuture(
                  new ShardUnavailableException("a slot has no Redis primary: " + cause, cause));
            })
        .thenCompose(f -> f);
  }

  /** Runs {@code command}, which touches only slots of {@code node}, through its breaker. */
  <T> CompletableFuture<T> callNode(
      Partitions partitions,
      RedisClusterNode node,
      String nodeId,
      Supplier<CompletableFuture<T>> command) {
    CircuitBreaker breaker = breaker(nodeId, node);
    if (!breaker.tryAcquirePermission()) {
      topology.request(); // its replica may have been promoted: no redirect will say so
      return CompletableFuture.failedFuture(
          refused(
              partitions,
              node,
              "its calls fail; skipped for up to " + OPEN_FOR.toMillis() + " ms"));
    }
    long start = System.nanoTime();
    CompletableFuture<T> sent;
    try {
      sent = command.get();
    } catch (RuntimeException e) {
      breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
      return CompletableFuture.failedFuture(e);
    }
    return sent.handle(
            (value, error) -> {
              long elapsed = System.nanoTime() - start;
              if (error == null) {
                breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                return CompletableFuture.completedFuture(value);
              }
              Throwable cause = Refusals.unwrap(error);
              if (Refusals.liveAnswer(cause)) {
                // The node answered: the slot is being moved (the caller retries or follows it),
                // or it does not know the command (the caller falls back).
                breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                return CompletableFuture.<T>failedFuture(error);
              }
              breaker.onError(elapsed, TimeUnit.NANOSECONDS, cause);
              if (cause instanceof IllegalArgumentException || !someOtherServes(partitions, node)) {
                return CompletableFuture.<T>failedFuture(cause);
              }
              return CompletableFuture.<T>failedFuture(
                  new ShardUnavailableException(
                      "Redis primary " + describe(node) + " failed: " + cause, cause));
            })
        .thenCompose(f -> f);
  }

  /**
   * Returns, as {@code host:port}, the primaries that serve slots in {@code partitions} and whose
   * breaker is not closed (their calls fail, or are being probed), and how many slots have no
   * primary at all (a failed primary's, until its replica is promoted), as {@code "N slots without
   * a primary"}.
   */
  List<String> failing(Partitions partitions) {
    List<String> failing = new ArrayList<>();
    int unowned = 0;
    for (int slot = 0; slot < SlotHash.SLOT_COUNT; slot++) {
      if (partitions.getPartitionBySlot(slot) == null) {
        unowned++;
      }
    }
    if (unowned > 0) {
      failing.add(unowned + " slots without a primary");
    }
    for (RedisClusterNode node : partitions) {
      String id = node.getNodeId();
      CircuitBreaker breaker = id == null ? null : breakers.get(id);
      if (breaker != null
          && breaker.getState() != CircuitBreaker.State.CLOSED
          && !node.getSlots().isEmpty()) {
        failing.add(describe(node));
      }
    }
    return failing;
  }

  private CircuitBreaker breaker(String nodeId, RedisClusterNode node) {
    CircuitBreaker breaker = breakers.get(nodeId);
    if (breaker == null) {
      breaker = breakers.computeIfAbsent(nodeId, id -> watched(id, describe(node)));
    }
    return breaker;
  }

  /**
   * A new breaker whose changes are logged once per outage: WARN when it opens, DEBUG for every
   * failed probe after that, INFO when the primary serves again. A failover gives the slots a new
   * primary (and breaker) instead; the store logs the promotion it sees.
   */
  private static CircuitBreaker watched(String nodeId, String address) {
    CircuitBreaker breaker = CircuitBreaker.of(nodeId, CONFIG);
    AtomicLong openedAt = new AtomicLong();
    breaker
        .getEventPublisher()
        .onStateTransition(
            event -> {
              CircuitBreaker.State from = event.getStateTransition().getFromState();
              CircuitBreaker.State to = event.getStateTransition().getToState();
              if (from == CircuitBreaker.State.CLOSED && to == CircuitBreaker.State.OPEN) {
                openedAt.set(System.nanoTime());
                log.warn(
                    "Redis primary {} fails: its keys go to the loader while the other primaries"
                        + " keep serving; probed every {} ms (further failures at DEBUG)",
                    address,
                    OPEN_FOR.toMillis());
              } else if (to == CircuitBreaker.State.CLOSED) {
                log.info(
                    "Redis primary {} serves again after {} ms",
                    address,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAt.get()));
              } else {
                log.debug("Redis primary {}: breaker {} -> {}", address, from, to);
              }
            });
    return breaker;
  }

  /** The failure of a call refused by its primary's open breaker. */
  private RuntimeException refused(Partitions partitions, RedisClusterNode node, String why) {
    String message = "Redis primary " + describe(node) + ": " + why;
    return someOtherServes(partitions, node)
        ? new ShardUnavailableException(message)
        : new ShardFailureException("every Redis primary fails; " + message);
  }

  /** Returns whether a primary other than {@code node} has a breaker that lets calls through. */
  boolean someOtherServes(Partitions partitions, @Nullable RedisClusterNode node) {
    for (RedisClusterNode other : partitions) {
      String id = other.getNodeId();
      if (id == null
          || (node != null && id.equals(node.getNodeId()))
          || !other.is(RedisClusterNode.NodeFlag.UPSTREAM)
          || other.is(RedisClusterNode.NodeFlag.FAIL)) {
        continue;
      }
      CircuitBreaker breaker = breakers.get(id);
      if (breaker == null || breaker.getState() != CircuitBreaker.State.OPEN) {
        return true;
      }
    }
    return false;
  }

  private static String describe(RedisClusterNode node) {
    return node.getUri() == null
        ? String.valueOf(node.getNodeId())
        : node.getUri().getHost() + ":" + node.getUri().getPort();
  }

  /** Every primary fails: an outage of the whole store, counted as such above. */
  static final class ShardFailureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ShardFailureException(String message) {
      super(message, null, false, false);
    }
  }
}
