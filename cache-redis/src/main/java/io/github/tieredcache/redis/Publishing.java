package io.github.tieredcache.redis;

import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the store sends a message on a cache's channel.
 *
 * <p>On a cluster whose servers have sharded pub/sub (Redis 7+), {@code SPUBLISH}: the cluster
 * connection sends it to the primary owning the channel's slot, through that primary's breaker
 * ({@link ShardGuard}), and it reaches only that shard's subscribers, where every instance holds
 * its sharded subscription ({@link ShardedChannels}), instead of being broadcast over the cluster
 * bus to every node. While that primary fails over, the cache's messages fail (and are kept and
 * sent again by the caller); its subscribers lose their subscription at the same moment and drop
 * their L0 when it is made again.
 *
 * <p>Elsewhere, and after a server refused {@code SPUBLISH} as an unknown command (detected once
 * per store; every subscriber holds a classic subscription too, so the refusal loses nothing),
 * classic {@code PUBLISH}. A message sent before any server answered an {@code SPUBLISH} whose
 * {@code SPUBLISH} fails for another reason (the slot's primary is down before the store ever
 * published: on Redis 6.2 it would wait for the failover) is sent again as {@code PUBLISH} as soon
 * as it failed, and the next message asks again. Classic {@code PUBLISH} goes keyless, on the
 * default connection: Lettuce would route it by the channel's slot, so while that slot's primary is
 * down no instance could publish for the cache, but a cluster broadcasts {@code PUBLISH} from any
 * node, and the default connection reconnects to another node at once.
 *
 * <p>Thread-safe.
 */
final class Publishing {

  private static final Logger log = LoggerFactory.getLogger(Publishing.class);
  private static final ByteArrayCodec CODEC = ByteArrayCodec.INSTANCE;

  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final DataConnection data;
  private final Object lock = new Object();

  /** Whether the cluster takes SPUBLISH; {@code null} until a server answered one. */
  private @Nullable Boolean sharded; // guarded by lock

  /** The messages sent while {@link #sharded} was unknown, one after another. */
  private CompletableFuture<?> detecting = DONE; // guarded by lock

  Publishing(DataConnection data) {
    this.data = data;
  }

  /**
   * Sends {@code payload} on {@code channel}. One sender's messages leave in the order they were
   * published, through the detection too: until a server answered an {@code SPUBLISH}, each message
   * waits for the one before it, so one re-sent as {@code PUBLISH} after a refusal is never
   * overtaken.
   */
  CompletableFuture<Void> publish(byte[] channel, byte[] payload) {
    return data.onData(
        d -> {
          if (!(d.connection() instanceof StatefulRedisClusterConnection<byte[], byte[]>)) {
            return classic(channel, payload);
          }
          synchronized (lock) {
            if (sharded != null && detecting.isDone()) {
              return sharded ? sharded(channel, payload) : classic(channel, payload);
            }
            CompletableFuture<Void> sent = detecting.thenCompose(v -> detect(channel, payload));
            detecting = sent.handle((v, e) -> null);
            return sent;
          }
        });
  }

  /** Whether this store publishes with {@code SPUBLISH} (until a server refused it; for tests). */
  boolean isSharded() {
    synchronized (lock) {
      return sharded == null || sharded;
    }
  }

  /** Sends one message of the detection, in turn: {@code SPUBLISH}, unless a refusal was seen. */
  private CompletableFuture<Void> detect(byte[] channel, byte[] payload) {
    Boolean known;
    synchronized (lock) {
      known = sharded;
    }
    if (known != null) {
      return known ? sharded(channel, payload) : classic(channel, payload);
    }
    return sharded(channel, payload)
        .handle(
            (ok, error) -> {
              if (error == null) {
                synchronized (lock) {
                  sharded = true;
                }
                return DONE;
              }
              if (!Refusals.unknownCommand(error)) {
                // The slot's primary is down or failing over: every subscriber holds a classic
                // subscription too, and the cluster broadcasts PUBLISH from any live node. The
                // next message asks again.
                return classic(channel, payload);
              }
              synchronized (lock) {
                sharded = false;
              }
              log.info(
                  "Redis has no sharded pub/sub (SPUBLISH, Redis 7+): this store publishes"
                      + " invalidations with classic PUBLISH, which the cluster broadcasts");
              return classic(channel, payload); // sent before the next message's turn
            })
        .thenCompose(f -> f);
  }

  private CompletableFuture<Void> sharded(byte[] channel, byte[] payload) {
    CommandArgs<byte[], byte[]> args = new CommandArgs<>(CODEC).addKey(channel).addValue(payload);
    return data.callOnSlot(
            channel, c -> c.dispatch(CommandType.SPUBLISH, new IntegerOutput<>(CODEC), args))
        .thenApply(receivers -> null);
  }

  private CompletableFuture<Void> classic(byte[] channel, byte[] payload) {
    CommandArgs<byte[], byte[]> args = new CommandArgs<>(CODEC).add(channel).addValue(payload);
    return data.call(c -> c.dispatch(CommandType.PUBLISH, new IntegerOutput<>(CODEC), args))
        .thenApply(receivers -> null);
  }
}
