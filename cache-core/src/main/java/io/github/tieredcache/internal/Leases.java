package io.github.tieredcache.internal;

import com.github.benmanes.caffeine.cache.Scheduler;
import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.Lease;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Fleet-wide load leases (the memcache lease, NSDI 2013): on a miss, one instance of the fleet
 * loads a key while the others wait for its copy.
 *
 * <p><b>Asking.</b> A read that missed everywhere asks the store of the cache's hottest tier for
 * the key's lease, under a fresh random token, at the generation its read saw. Granted: it loads,
 * and its write is fenced by the token (refused once another loader holds the lease). Held by
 * another instance: it waits, without polling, until that instance's {@link
 * Invalidation.Kind#LOADED LOADED} message (or an invalidation of the key) arrives, or until the
 * lease would have ended, then reads the key once more and serves the copy found there, or else
 * asks once more (a wait a resubscription ended early may find the holder still loading), and after
 * that loads it itself. "Read again" (the key moved or was written since the read): it reads once
 * more. A store that keeps no leases, or one that fails, answers as if there were none: the read
 * loads.
 *
 * <p><b>No missed wake-up.</b> The wait is registered before the request is sent, so a message that
 * arrives before the answer still ends it.
 *
 * <p><b>Done.</b> After its load, the holder publishes {@code LOADED}; a holder whose load failed
 * or wrote nothing gives the lease up first, so the waiters do not wait out the lease.
 *
 * <p>Thread-safe.
 */
final class Leases<K> {

  /** A lease request's answer, and the wait registered for it. */
  record Taken(Lease lease, CompletableFuture<Void> woken) {}

  private final @Nullable Duration time;
  private final RemoteTiers remote;
  private final String instanceId;
  private final Scheduler scheduler;
  private final StatsRecorder stats;
  private final ConcurrentHashMap<K, CompletableFuture<Void>> waits = new ConcurrentHashMap<>();

  /**
   * @param time how long a lease lasts, or {@code null} for none
   * @param scheduler ends a wait that no message ended
   */
  Leases(
      @Nullable Duration time,
      RemoteTiers remote,
      String instanceId,
      Scheduler scheduler,
      StatsRecorder stats) {
    this.time = time;
    this.remote = remote;
    this.instanceId = instanceId;
    this.scheduler = scheduler;
    this.stats = stats;
  }

  /** Returns whether this cache takes leases. */
  boolean enabled() {
    return time != null;
  }

  /**
   * Asks for the lease of {@code key} at the generation {@code read} saw; completes with the answer
   * (never exceptionally). For {@link Lease.State#HELD}, the returned wait ends on a message for
   * the key or when the other loader's lease ends, whichever is first.
   */
  CompletableFuture<Taken> take(K key, byte[] encoded, RemoteTiers.Read read) {
    Duration t = java.util.Objects.requireNonNull(time, "leases are off");
    CompletableFuture<Void> woken = waits.computeIfAbsent(key, k -> new CompletableFuture<>());
    long token = newToken();
    return remote
        .lease(encoded, read, token, t)
        .thenApply(
            lease -> {
              if (lease.state() == Lease.State.HELD) {
                stats.leaseWait();
                long millis = Math.min(lease.heldForMillis(), t.toMillis());
                Future<?> timer =
                    scheduler.schedule(
                        Runnable::run, () -> end(key, woken), millis, TimeUnit.MILLISECONDS);
                woken.whenComplete((done, never) -> timer.cancel(false)); // a message came first
              } else {
                end(key, woken); // nobody here waits on this request's wait
              }
              return new Taken(lease, woken);
            });
  }

  /**
   * After a load under {@code token} (0: none, and nothing is done): gives the lease up unless the
   * holder's fenced write landed, then tells the other instances that the key is loaded.
   */
  void finish(byte[] encoded, long token, boolean wrote) {
    if (token == 0) {
      return;
    }
    CompletableFuture<Void> released =
        wrote ? CompletableFuture.completedFuture(null) : remote.releaseLease(encoded, token);
    released.thenRun(() -> remote.publish(Invalidation.ofLoaded(instanceId, encoded)));
  }

  /** Returns whether a read here waits for another instance's load. */
  boolean waiting() {
    return !waits.isEmpty();
  }

  /** Ends the wait for {@code key}, if one is registered: a message about it arrived. */
  void wake(K key) {
    CompletableFuture<Void> woken = waits.remove(key);
    if (woken != null) {
      woken.complete(null);
    }
  }

  /** Ends every wait: messages may have been lost. */
  void wakeAll() {
    for (K key : waits.keySet()) {
      wake(key);
    }
  }

  private void end(K key, CompletableFuture<Void> woken) {
    waits.remove(key, woken);
    woken.complete(null);
  }

  private static long newToken() {
    long token;
    do {
      token = ThreadLocalRandom.current().nextLong();
    } while (token == 0);
    return token;
  }
}
