package io.github.tieredcache.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes a cleared cache's retired copies in the background, so that after a {@code clear} Redis
 * does not keep them until their TTL (a cold copy lives 24 h).
 *
 * <p><b>How.</b> The store that moved the epoch walks the key space of every primary in turn, over
 * that primary's own connection, with {@code SCAN MATCH <prefix>:<cache>:*} ({@value #BATCH} keys
 * asked per step), and {@code UNLINK}s every copy whose epoch is older than the new one, one key
 * per command (a node refuses a multi-key command across slots); the generation keys and the epoch
 * key also match the pattern and are kept. {@code UNLINK} frees the memory off Redis's main thread.
 * Not Lettuce's cluster-wide {@code SCAN}: it opens node connections synchronously, which on an
 * event-loop thread deadlocks.
 *
 * <p><b>Rate.</b> One step at a time, {@value #PAUSE_MILLIS} ms apart, so a sweep costs at most
 * about {@value #BATCH} keys examined per {@value #PAUSE_MILLIS} ms on one node: a key space of 10
 * million keys is walked in some minutes, and never competes with the caches' own traffic for more
 * than one command at a time.
 *
 * <p><b>Best effort.</b> A sweep that fails (Redis unreachable, the store closed) stops, logged at
 * DEBUG; what it left expires by its TTL. A copy a lagging instance writes into a retired epoch
 * after the sweep passed it is left too. Thread-safe.
 */
final class EpochSweeper {

  private static final Logger log = LoggerFactory.getLogger(EpochSweeper.class);

  static final int BATCH = 500;
  static final long PAUSE_MILLIS = 10;

  private final DataConnection data;
  private final ScheduledExecutorService scheduler;
  private volatile boolean closed;

  EpochSweeper(DataConnection data, ScheduledExecutorService scheduler) {
    this.data = data;
    this.scheduler = scheduler;
  }

  /**
   * Starts removing the copies of {@code layout}'s cache in every epoch older than {@code current};
   * completes with how many keys were removed.
   */
  CompletableFuture<Long> sweep(KeyLayout layout, long current) {
    Sweep sweep = new Sweep(layout.cacheBase(), current);
    CompletableFuture<Void> walked =
        data.onData(
            d -> {
              if (!(d.connection()
                  instanceof StatefulRedisClusterConnection<byte[], byte[]> cluster)) {
                return walk(sweep, d.commands());
              }
              CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
              for (RedisClusterNode node : cluster.getPartitions()) {
                String id = node.getNodeId();
                if (id != null
                    && node.is(RedisClusterNode.NodeFlag.UPSTREAM)
                    && !node.is(RedisClusterNode.NodeFlag.FAIL)) {
                  chain =
                      chain.thenCompose(
                          v ->
                              cluster
                                  .getConnectionAsync(id)
                                  .thenCompose(node1 -> walk(sweep, node1.async())));
                }
              }
              return chain;
            });
    return walked
        .thenApply(v -> sweep.removed.get())
        .whenComplete(
            (removed, error) -> {
              if (error != null) {
                log.debug("Sweeping the retired epochs of {} stopped", sweep.name(), error);
              } else if (removed > 0) {
                log.info(
                    "Removed {} copies of {} from epochs before {} in {} ms",
                    removed,
                    sweep.name(),
                    current,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sweep.started));
              }
            });
  }

  /** Stops every sweep at its next step. */
  void close() {
    closed = true;
  }

  /** Walks one server's key space; completes when it is walked. */
  private CompletableFuture<Void> walk(
      Sweep sweep, RedisClusterAsyncCommands<byte[], byte[]> commands) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    step(sweep, commands, ScanCursor.INITIAL, done);
    return done;
  }

  private void step(
      Sweep sweep,
      RedisClusterAsyncCommands<byte[], byte[]> commands,
      ScanCursor cursor,
      CompletableFuture<Void> done) {
    if (closed) {
      done.completeExceptionally(new IllegalStateException("RedisTierStore is closed"));
      return;
    }
    ScanArgs args = ScanArgs.Builder.limit(BATCH).match(sweep.pattern());
    commands
        .scan(cursor, args)
        .toCompletableFuture()
        .thenCompose(found -> unlinkRetired(sweep, commands, found).thenApply(n -> found))
        .whenComplete(
            (found, error) -> {
              if (error != null) {
                done.completeExceptionally(error);
              } else if (found.isFinished()) {
                done.complete(null);
              } else {
                scheduler.schedule(
                    () -> step(sweep, commands, found, done), PAUSE_MILLIS, TimeUnit.MILLISECONDS);
              }
            });
  }

  private static CompletableFuture<Long> unlinkRetired(
      Sweep sweep,
      RedisClusterAsyncCommands<byte[], byte[]> commands,
      KeyScanCursor<byte[]> found) {
    List<byte[]> retired = new ArrayList<>();
    for (byte[] key : found.getKeys()) {
      if (sweep.isRetiredCopy(key)) {
        retired.add(key);
      }
    }
    if (retired.isEmpty()) {
      return CompletableFuture.completedFuture(0L);
    }
    List<CompletableFuture<Long>> unlinked = new ArrayList<>(retired.size());
    for (byte[] key : retired) {
      unlinked.add(commands.unlink(key).toCompletableFuture());
    }
    return CompletableFuture.allOf(unlinked.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              long n = 0;
              for (CompletableFuture<Long> one : unlinked) {
                n += one.join();
              }
              sweep.removed.addAndGet(n);
              return n;
            });
  }

  /** One sweep: the cache's key base, the first epoch kept, and its progress. */
  private static final class Sweep {
    final byte[] base;
    final long current;
    final AtomicLong removed = new AtomicLong();
    final long started = System.nanoTime();

    Sweep(byte[] base, long current) {
      this.base = base;
      this.current = current;
    }

    byte[] pattern() {
      byte[] pattern = new byte[base.length + 1];
      System.arraycopy(base, 0, pattern, 0, base.length);
      pattern[base.length] = '*';
      return pattern;
    }

    String name() {
      return new String(base, 0, base.length - 1, StandardCharsets.US_ASCII);
    }

    /** Whether {@code key} is {@code <base><epoch>:{...} with an epoch before {@link #current}. */
    boolean isRetiredCopy(byte[] key) {
      if (key.length <= base.length) {
        return false;
      }
      for (int i = 0; i < base.length; i++) {
        if (key[i] != base[i]) {
          return false;
        }
      }
      long epoch = 0;
      int i = base.length;
      int digits = 0;
      while (i < key.length && key[i] >= '0' && key[i] <= '9' && digits < 19) {
        epoch = epoch * 10 + (key[i] - '0');
        i++;
        digits++;
      }
      boolean copy = digits > 0 && i + 1 < key.length && key[i] == ':' && key[i + 1] == '{';
      return copy && epoch < current;
    }
  }
}
