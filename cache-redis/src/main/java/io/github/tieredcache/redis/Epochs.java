package io.github.tieredcache.redis;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch of every cache a store serves, as this store knows it.
 *
 * <p><b>Generations and epochs: how a stale load is kept out.</b> A key's generation counter is
 * advanced (INCR) by {@code put} and {@code remove}; a load's write is a script that compares the
 * counter with the one its read saw. A {@code clear} cannot touch every key, so it moves the
 * cache's <em>epoch</em> instead (a counter under {@code <prefix>:<cache>:epoch}), which is part of
 * every copy's key name: the old epoch's copies become invisible at once and expire by their TTL.
 * The generation the store reports folds the epoch in ({@link Generations}), and a conditional
 * write whose generation is of another epoch than the current one is refused without asking Redis,
 * so a load that read before a clear cannot write after it, not even for a key that had no
 * generation.
 *
 * <p><b>How the epoch stays current, without a hot key.</b> The epoch key lives in one slot, so it
 * cannot be read in the same {@code MGET} as a key's tiers, and reading it per operation would make
 * it the hottest key of the cluster. Each store caches it per cache and learns of a newer one (1)
 * when it first uses the cache (one {@code GET}), (2) from every invalidation message and heartbeat
 * it receives, which carries its sender's epoch ({@link ChannelMessage}): the message a {@code
 * clear} sends carries the new epoch, before it reaches the listener, (3) after every
 * (re)subscription, before {@code onSubscribed} (one {@code GET}), and (4) every {@link
 * RedisTierStoreOptions#epochRefreshInterval()} (30 s by default, one {@code GET}), the safety net
 * when no message comes. Writes read nothing: a {@code put} or {@code remove} made in an epoch that
 * is no longer current still advances the key's generation (generation keys carry no epoch, so
 * every instance compares with the same one), and it also deletes the key's copies in the {@value
 * KeyLayout#EPOCHS_AHEAD} epochs after its own ({@link KeyLayout#EPOCHS_AHEAD}), so a copy another
 * instance loaded after the clear is not left stale.
 *
 * <p><b>What remains.</b> An instance that has not yet heard of another's clear keeps serving the
 * retired epoch's copies (and writing loads there, visible only to such instances) until (2), (3)
 * or (4): with freshness by invalidation, within one heartbeat interval of any instance that knows
 * the new epoch; otherwise for at most one refresh interval when the clear's message is lost. An
 * instance that missed more than {@value KeyLayout#EPOCHS_AHEAD} clears in that window (three
 * clears of one cache, none heard) may leave the newest epoch's copy of a key it invalidates until
 * that copy's TTL. After a clear the store that made it removes the retired copies in the
 * background ({@link EpochSweeper}).
 *
 * <p><b>An epoch that went back.</b> An epoch read lower than one this store has seen (the counter
 * was lost, e.g. in a failover before replication) is raised back, and a clear always moves past
 * both the stored epoch and its caller's.
 *
 * <p>Thread-safe.
 */
final class Epochs {

  private static final Logger log = LoggerFactory.getLogger(Epochs.class);

  private final DataConnection data;
  private final Map<String, Epoch> epochs = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> refresher;
  private volatile boolean closed;

  /** An epoch and the key segment that names it. */
  record At(long epoch, byte[] segment) {}

  /** The epoch of one cache. */
  static final class Epoch {
    final byte[] key;
    volatile @Nullable At current;
    @Nullable CompletableFuture<At> loading; // guarded by this

    Epoch(byte[] key) {
      this.key = key;
    }

    /** Moves to {@code epoch} if it is newer; returns the epoch now known. */
    synchronized At advanceTo(long epoch) {
      At now = current;
      if (now == null || epoch > now.epoch) {
        now = new At(epoch, KeyLayout.epochSegment(epoch));
        current = now;
      }
      return now;
    }
  }

  Epochs(DataConnection data, ScheduledExecutorService scheduler, long refreshEveryNanos) {
    this.data = data;
    this.refresher =
        scheduler.scheduleWithFixedDelay(
            this::refreshAll, refreshEveryNanos, refreshEveryNanos, TimeUnit.NANOSECONDS);
  }

  /** Returns the epoch kept under {@code key}, one per key however many namespaces share it. */
  Epoch of(byte[] key) {
    return epochs.computeIfAbsent(new String(key, StandardCharsets.US_ASCII), k -> new Epoch(key));
  }

  /** Runs {@code operation} in the cache's current epoch, reading the epoch first if unknown. */
  <T> CompletableFuture<T> at(Epoch epoch, Function<At, CompletableFuture<T>> operation) {
    At at = epoch.current;
    if (at != null) {
      return operation.apply(at);
    }
    return first(epoch).thenCompose(operation);
  }

  /** The epoch, read once however many callers ask before it is known. */
  CompletableFuture<At> first(Epoch epoch) {
    synchronized (epoch) {
      At at = epoch.current;
      if (at != null) {
        return CompletableFuture.completedFuture(at);
      }
      CompletableFuture<At> loading = epoch.loading;
      if (loading == null || loading.isCompletedExceptionally()) {
        loading = refresh(epoch);
        epoch.loading = loading;
      }
      return loading;
    }
  }

  /** Rereads the epoch from Redis, raising the stored one if it went back. */
  CompletableFuture<At> refresh(Epoch epoch) {
    return data.callOnSlot(epoch.key, c -> c.get(epoch.key))
        .thenCompose(
            stored -> {
              long remote = Generations.parseCounter(stored);
              At known = epoch.current;
              if (known != null && remote < known.epoch) {
                log.warn(
                    "Epoch {} reads {} but this store has seen {}; raising it back",
                    new String(epoch.key, StandardCharsets.US_ASCII),
                    remote,
                    known.epoch);
                return data.callOnSlot(
                        epoch.key,
                        c ->
                            Script.RAISE_EPOCH.run(
                                c, new byte[][] {epoch.key}, RedisTierStore.number(known.epoch)))
                    .thenApply(epoch::advanceTo);
              }
              return CompletableFuture.completedFuture(epoch.advanceTo(remote));
            });
  }

  /** Moves the epoch past both the stored one and the one this store knows. */
  CompletableFuture<At> clear(Epoch epoch) {
    At known = epoch.current;
    byte[] seen = RedisTierStore.number(known == null ? 0 : known.epoch);
    return data.callOnSlot(epoch.key, c -> Script.CLEAR.run(c, new byte[][] {epoch.key}, seen))
        .thenApply(epoch::advanceTo);
  }

  /** Stops the periodic rereads. */
  void close() {
    closed = true;
    refresher.cancel(false);
  }

  private void refreshAll() {
    if (closed) {
      return;
    }
    for (Epoch epoch : epochs.values()) {
      if (epoch.current != null) {
        refresh(epoch)
            .exceptionally(
                e -> {
                  log.debug("Periodic epoch reread failed", e);
                  return null;
                });
      }
    }
  }
}
