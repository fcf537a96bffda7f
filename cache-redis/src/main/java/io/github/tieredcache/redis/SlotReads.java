package io.github.tieredcache.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.ValueListOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reading the keys of one slot while the slot may be moving between primaries, so that a resharding
 * never fails a read.
 *
 * <p>One {@code MGET} of the keys (every key of one slot, so the cluster connection routes it and
 * follows {@code MOVED} and {@code ASK}). While the slot migrates, an {@code MGET} whose keys are
 * split between the two nodes, or some of which do not exist on the node importing the slot, is
 * refused with {@code TRYAGAIN}; it is sent again after each of {@link #RETRY_DELAYS_MS} (Redis's
 * advice), as is one whose redirects ran past what the client follows (the nodes disagreeing for a
 * moment on who owns the slot). If it is still refused, the keys are read with one {@code GET}
 * each, which a moving slot answers on one node or the other (after {@code ASK}) and never refuses:
 * the answer may then mix the two nodes' moments, which for a lookup of one key's tiers is at worst
 * a copy seen twice or missed once (a miss goes to the loader), never a wrong value.
 *
 * <p>Stateless.
 */
final class SlotReads {

  private static final ByteArrayCodec CODEC = ByteArrayCodec.INSTANCE;

  /** The pauses before sending a command again that its slot's move refused, in milliseconds. */
  static final long[] RETRY_DELAYS_MS = {5, 20, 50};

  private SlotReads() {}

  /**
   * Reads {@code keys}, all of one slot, answering their raw values in order ({@code null} for a
   * key that does not exist).
   */
  static CompletableFuture<List<byte[]>> mget(
      RedisClusterAsyncCommands<byte[], byte[]> commands, byte[][] keys) {
    return retryingWhileMoving(
            () -> {
              CommandArgs<byte[], byte[]> args = new CommandArgs<>(CODEC);
              for (byte[] key : keys) {
                args.addKey(key);
              }
              return commands
                  .dispatch(CommandType.MGET, new ValueListOutput<>(CODEC), args)
                  .toCompletableFuture();
            },
            0)
        .exceptionallyCompose(
            error ->
                Refusals.slotMoving(error)
                    ? oneByOne(commands, keys)
                    : CompletableFuture.failedFuture(error));
  }

  /**
   * Runs {@code command}, and again after each of {@link #RETRY_DELAYS_MS} while its slot's move
   * refuses it ({@code TRYAGAIN}, or a redirect not followed).
   */
  static <T> CompletableFuture<T> retryingWhileMoving(
      Supplier<CompletableFuture<T>> command, int attempt) {
    CompletableFuture<T> sent;
    try {
      sent = command.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return sent.exceptionallyCompose(
        error -> {
          if (!Refusals.slotMoving(error) || attempt >= RETRY_DELAYS_MS.length) {
            return CompletableFuture.failedFuture(error);
          }
          Executor later =
              CompletableFuture.delayedExecutor(RETRY_DELAYS_MS[attempt], TimeUnit.MILLISECONDS);
          return CompletableFuture.supplyAsync(() -> attempt + 1, later)
              .thenCompose(next -> retryingWhileMoving(command, next));
        });
  }

  /** One {@code GET} per key, all sent at once; answers their values in order. */
  private static CompletableFuture<List<byte[]>> oneByOne(
      RedisClusterAsyncCommands<byte[], byte[]> commands, byte[][] keys) {
    @SuppressWarnings("unchecked")
    CompletableFuture<byte[]>[] gets = new CompletableFuture[keys.length];
    for (int i = 0; i < keys.length; i++) {
      byte[] key = keys[i];
      gets[i] = retryingWhileMoving(() -> commands.get(key).toCompletableFuture(), 0);
    }
    return CompletableFuture.allOf(gets)
        .thenApply(
            done -> {
              List<byte[]> values = new ArrayList<>(keys.length);
              Arrays.stream(gets).forEach(get -> values.add(get.join()));
              return values;
            });
  }
}
