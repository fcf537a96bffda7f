package io.github.tieredcache.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The store's one data connection, made on first use (see {@link LazyConnection}), and the way
 * every command reaches it: a command that throws instead of returning a future fails its future,
 * and a connection that fails on authentication or TLS fails with an exception that says so.
 *
 * <p>Thread-safe. Once connected, {@link #call} is a volatile read and the command.
 */
final class DataConnection {

  /** The connection and its asynchronous commands. */
  record Data(
      StatefulConnection<byte[], byte[]> connection,
      RedisClusterAsyncCommands<byte[], byte[]> commands) {}

  private final LazyConnection<Data> data;
  private final ShardGuard shards;

  DataConnection(
      Supplier<? extends CompletionStage<Data>> connect,
      @Nullable String user,
      long retryIntervalNanos,
      TopologyRefresh topology) {
    this.shards = new ShardGuard(topology);
    this.data =
        new LazyConnection<>(
            () -> explained(connect.get(), user),
            d -> d.connection().closeAsync(),
            retryIntervalNanos);
  }

  /** Connects now (or returns the attempt under way). */
  CompletableFuture<Data> connect() {
    return data.get().toCompletableFuture();
  }

  /** Runs a command on the connection, connecting first if needed. */
  <T> CompletableFuture<T> call(
      Function<RedisClusterAsyncCommands<byte[], byte[]>, ? extends CompletionStage<T>> command) {
    Data d = data.now();
    if (d != null) {
      return invoke(command, d.commands());
    }
    return data.get().thenCompose(connected -> invoke(command, connected.commands()));
  }

  /**
   * Runs a command that touches only the slot of {@code slotKey}, through the breaker of the
   * primary serving that slot (see {@link ShardGuard}).
   */
  <T> CompletableFuture<T> callOnSlot(
      byte[] slotKey,
      Function<RedisClusterAsyncCommands<byte[], byte[]>, ? extends CompletionStage<T>> command) {
    Data d = data.now();
    if (d != null) {
      return shards.call(d.connection(), slotKey, () -> invoke(command, d.commands()));
    }
    return data.get()
        .thenCompose(
            c -> shards.call(c.connection(), slotKey, () -> invoke(command, c.commands())));
  }

  /** Returns the primaries whose breaker is not closed; none on one server or before connecting. */
  List<String> failingPrimaries() {
    Data d = data.now();
    if (d != null && d.connection() instanceof StatefulRedisClusterConnection<byte[], byte[]> c) {
      return shards.failing(c.getPartitions());
    }
    return List.of();
  }

  /** Returns the per-primary breakers. */
  ShardGuard shards() {
    return shards;
  }

  /** Like {@link #call}, for an operation that needs the connection, not only its commands. */
  <T> CompletableFuture<T> onData(Function<Data, ? extends CompletionStage<T>> operation) {
    Data d = data.now();
    CompletableFuture<Data> connected =
        d != null ? CompletableFuture.completedFuture(d) : data.get().toCompletableFuture();
    return connected.thenCompose(
        c -> {
          try {
            return operation.apply(c).toCompletableFuture();
          } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
          }
        });
  }

  /** Closes the connection if it was made; completes when it is closed. */
  CompletableFuture<?> close() {
    return data.close();
  }

  private static <T> CompletableFuture<T> invoke(
      Function<RedisClusterAsyncCommands<byte[], byte[]>, ? extends CompletionStage<T>> command,
      RedisClusterAsyncCommands<byte[], byte[]> commands) {
    try {
      return command.apply(commands).toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Fails {@code connecting} with a failure that names authentication or TLS where it is one. */
  static <T> CompletionStage<T> explained(CompletionStage<T> connecting, @Nullable String user) {
    return connecting
        .toCompletableFuture()
        .handle(
            (c, error) -> {
              if (error != null) {
                throw new CompletionException(ConnectFailures.explain(error, user));
              }
              return c;
            });
  }
}
