package io.github.tieredcache.redis;

import io.lettuce.core.KeyValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.ValueListOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A bulk read on a cluster as one burst per node: the lookups are grouped by slot (a cross-slot
 * {@code MGET} is refused, and every key of one lookup shares its slot), the slots by the primary
 * that serves them, and each node's {@code MGET}s are written to its connection together and
 * flushed once ({@code dispatch} of a collection), instead of one command, one flush and one future
 * per slot through the cluster connection.
 *
 * <p><b>Redirects.</b> A node connection does not follow {@code MOVED} or {@code ASK}: a slot whose
 * command is redirected (its slot moved since the topology was read) is asked again through the
 * cluster connection, which follows them, as is every slot whose node is not known or not
 * connectable. So a resharding costs a second round trip for the slots it moved, never a failed
 * read.
 *
 * <p><b>Slots being moved.</b> While a slot migrates, a multi-key command whose keys are split
 * between the two nodes is refused with {@code TRYAGAIN}; such a slot is asked again through the
 * cluster connection, as {@link SlotReads} does: retried, then read key by key, never failed for
 * the move. A refusal for the move never counts against the node's breaker.
 *
 * <p><b>A failing node.</b> Each node's burst passes through that primary's breaker ({@link
 * ShardGuard}); the lookups of a node that fails or is skipped are answered {@code null} (the
 * store's "unavailable" for those keys), the others as read. Only when every node failed does the
 * read fail, with the first failure.
 *
 * <p>Stateless; each call reads the cluster connection's current partitions.
 */
final class NodeBursts {

  private static final ByteArrayCodec CODEC = ByteArrayCodec.INSTANCE;

  private NodeBursts() {}

  /** The lookups of one slot, by their index in the request. */
  private record Slot(int slot, List<Integer> indices) {}

  /**
   * Reads every lookup's keys, answering the raw values of each lookup in order (a {@code null}
   * value for a key that does not exist, a {@code null} answer for a lookup whose node failed), one
   * {@code MGET} per slot and one flush per node.
   */
  static CompletableFuture<List<@Nullable List<byte[]>>> mget(
      StatefulRedisClusterConnection<byte[], byte[]> cluster,
      List<byte[][]> lookups,
      ShardGuard guard) {
    Partitions partitions = cluster.getPartitions();
    Map<Integer, List<Integer>> bySlot = new LinkedHashMap<>();
    for (int i = 0; i < lookups.size(); i++) {
      bySlot.computeIfAbsent(SlotHash.getSlot(lookups.get(i)[0]), s -> new ArrayList<>()).add(i);
    }
    Map<String, List<Slot>> slotsByNode = new LinkedHashMap<>();
    Map<String, RedisClusterNode> nodes = new LinkedHashMap<>();
    List<Slot> unknown = new ArrayList<>();
    for (Map.Entry<Integer, List<Integer>> entry : bySlot.entrySet()) {
      Slot slot = new Slot(entry.getKey(), entry.getValue());
      RedisClusterNode node = partitions.getPartitionBySlot(slot.slot());
      String nodeId = node == null ? null : node.getNodeId();
      if (node == null || nodeId == null) {
        unknown.add(slot);
      } else {
        nodes.putIfAbsent(nodeId, node);
        slotsByNode.computeIfAbsent(nodeId, n -> new ArrayList<>()).add(slot);
      }
    }
    @SuppressWarnings("unchecked")
    @Nullable List<byte[]>[] answers = new List[lookups.size()];
    AtomicReference<@Nullable Throwable> firstFailure = new AtomicReference<>();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (Map.Entry<String, List<Slot>> entry : slotsByNode.entrySet()) {
      RedisClusterNode node = Objects.requireNonNull(nodes.get(entry.getKey()));
      List<Slot> slots = entry.getValue();
      all.add(
          guard
              .callNode(
                  partitions,
                  node,
                  entry.getKey(),
                  () -> burst(cluster, entry.getKey(), slots, lookups, answers))
              .exceptionally(error -> unavailable(error, slots, answers, firstFailure)));
    }
    for (Slot slot : unknown) {
      all.add(
          guard
              .callUnowned(
                  partitions, () -> throughCluster(cluster, slot.indices(), lookups, answers))
              .exceptionally(error -> unavailable(error, List.of(slot), answers, firstFailure)));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenCompose(
            done -> {
              Throwable failure = firstFailure.get();
              List<@Nullable List<byte[]>> ordered = new ArrayList<>(answers.length);
              boolean anyRead = false;
              for (List<byte[]> answer : answers) {
                ordered.add(answer);
                anyRead |= answer != null;
              }
              if (failure != null && !anyRead) {
                return CompletableFuture.failedFuture(failure);
              }
              return CompletableFuture.completedFuture(ordered);
            });
  }

  /** Answers {@code slots}' lookups null (unavailable), keeping the read's first failure. */
  private static @Nullable Void unavailable(
      Throwable error,
      List<Slot> slots,
      @Nullable List<byte[]>[] answers,
      AtomicReference<@Nullable Throwable> firstFailure) {
    firstFailure.compareAndSet(null, error);
    for (Slot slot : slots) {
      for (int i : slot.indices()) {
        answers[i] = null;
      }
    }
    return null;
  }

  /**
   * Reads every lookup's keys from one server with one {@code MGET} of all of them, answering the
   * raw values of each lookup in order.
   */
  static CompletableFuture<List<@Nullable List<byte[]>>> mgetOnOneServer(
      RedisClusterAsyncCommands<byte[], byte[]> commands, List<byte[][]> lookups) {
    int count = 0;
    for (byte[][] keys : lookups) {
      count += keys.length;
    }
    byte[][] all = new byte[count][];
    int at = 0;
    for (byte[][] keys : lookups) {
      System.arraycopy(keys, 0, all, at, keys.length);
      at += keys.length;
    }
    return commands
        .mget(all)
        .toCompletableFuture()
        .thenApply(
            values -> {
              List<byte[]> raw = new ArrayList<>(values.size());
              for (KeyValue<byte[], byte[]> value : values) {
                raw.add(value.hasValue() ? value.getValue() : null);
              }
              List<@Nullable List<byte[]>> answers = new ArrayList<>(lookups.size());
              int from = 0;
              for (byte[][] keys : lookups) {
                answers.add(raw.subList(from, from + keys.length));
                from += keys.length;
              }
              return answers;
            });
  }

  /** One node's slots: their MGETs written together on its connection, flushed once. */
  private static CompletableFuture<Void> burst(
      StatefulRedisClusterConnection<byte[], byte[]> cluster,
      String nodeId,
      List<Slot> slots,
      List<byte[][]> lookups,
      @Nullable List<byte[]>[] answers) {
    return cluster
        .getConnectionAsync(nodeId)
        .handle(
            (connection, error) -> {
              if (error != null) {
                List<CompletableFuture<Void>> retried = new ArrayList<>();
                for (Slot slot : slots) {
                  retried.add(throughCluster(cluster, slot.indices(), lookups, answers));
                }
                return CompletableFuture.allOf(retried.toArray(CompletableFuture[]::new));
              }
              return send(cluster, connection, slots, lookups, answers);
            })
        .thenCompose(f -> f);
  }

  private static CompletableFuture<Void> send(
      StatefulRedisClusterConnection<byte[], byte[]> cluster,
      StatefulRedisConnection<byte[], byte[]> connection,
      List<Slot> slots,
      List<byte[][]> lookups,
      @Nullable List<byte[]>[] answers) {
    List<RedisCommand<byte[], byte[], ?>> commands = new ArrayList<>(slots.size());
    List<CompletableFuture<Void>> settled = new ArrayList<>(slots.size());
    for (Slot slot : slots) {
      List<Integer> indices = slot.indices();
      AsyncCommand<byte[], byte[], List<byte[]>> command =
          new AsyncCommand<>(
              new Command<>(
                  CommandType.MGET, new ValueListOutput<>(CODEC), args(lookups, indices)));
      commands.add(command);
      settled.add(
          command
              .handle(
                  (values, error) -> {
                    if (error == null) {
                      spread(values, indices, lookups, answers);
                      return CompletableFuture.<Void>completedFuture(null);
                    }
                    if (Refusals.slotMoving(error)) {
                      return throughCluster(cluster, indices, lookups, answers);
                    }
                    return CompletableFuture.<Void>failedFuture(error);
                  })
              .thenCompose(f -> f));
    }
    connection.dispatch(commands);
    return CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new));
  }

  /**
   * One slot through the cluster connection, which routes by slot and follows redirects, and
   * retries while the slot is moving (see {@link SlotReads}).
   */
  private static CompletableFuture<Void> throughCluster(
      StatefulRedisClusterConnection<byte[], byte[]> cluster,
      List<Integer> indices,
      List<byte[][]> lookups,
      @Nullable List<byte[]>[] answers) {
    int count = 0;
    for (int i : indices) {
      count += lookups.get(i).length;
    }
    byte[][] keys = new byte[count][];
    int at = 0;
    for (int i : indices) {
      byte[][] mine = lookups.get(i);
      System.arraycopy(mine, 0, keys, at, mine.length);
      at += mine.length;
    }
    return SlotReads.mget(cluster.async(), keys)
        .thenAccept(values -> spread(values, indices, lookups, answers));
  }

  private static CommandArgs<byte[], byte[]> args(List<byte[][]> lookups, List<Integer> indices) {
    CommandArgs<byte[], byte[]> args = new CommandArgs<>(CODEC);
    for (int i : indices) {
      for (byte[] key : lookups.get(i)) {
        args.addKey(key);
      }
    }
    return args;
  }

  private static void spread(
      List<byte[]> values,
      List<Integer> indices,
      List<byte[][]> lookups,
      @Nullable List<byte[]>[] answers) {
    int at = 0;
    for (int i : indices) {
      int width = lookups.get(i).length;
      answers[i] = values.subList(at, at + width); // read only, by RedisTierStore.lookup
      at += width;
    }
  }
}
