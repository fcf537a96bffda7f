package io.github.tieredcache.internal;

import io.github.tieredcache.Freshness;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance may trust its L0 and the remote copies it reads: the part of freshness by
 * invalidation that keeps the staleness bound through faults (see {@link Freshness}).
 *
 * <p><b>Why trust can be lost.</b> A reader learns of another instance's {@code put} or {@code
 * invalidate} only through the store: the removal of the remote copies and the message that drops
 * L0 copies. Either can fail while the store is faulty, and a reader cannot know which keys a lost
 * message named, nor which remote copies a failed removal left behind.
 *
 * <p><b>The rule.</b> This instance becomes <em>untrusting</em> from the first remote call of its
 * own that fails (a shard down, a timeout, an open breaker), when the store reports a fault that
 * may have lost acknowledged writes (a failover seen in the cluster's topology), and whenever it
 * has not heard its own heartbeat for half the bound (its subscription may be dead while its calls
 * succeed). Entering clears the L0. While untrusting, no remote copy is served (a read that misses
 * the L0 goes to the loader and writes its value back as usual), and an L0 entry lives at most the
 * bound. It trusts again once it has been healthy for the whole bound: no failed call and its own
 * heartbeat heard throughout; leaving clears the L0 once more. The bound leaves writers the time to
 * replay what they could not deliver (see {@code ResilientTierStore}) before remote copies are
 * served again. Even so, a writer's replay can come later than that (its own breaker and client
 * recover on their own time), so a copy written before this instance trusts again is never served
 * by it: it is reloaded, and the load's write-back replaces it. One load per key and fault is the
 * price.
 *
 * <p><b>What it guarantees.</b> A copy a missed invalidation left stale is never served after the
 * reader notices the fault; the reader notices a failed call at once and a dead subscription within
 * three quarters of the bound (half the bound late, plus one heartbeat interval). What it costs:
 * while untrusting, every L0 miss is a load, each key at most once per bound per instance; the ITs
 * of the fault suite print the loads an outage cost.
 *
 * <p>Thread-safe. The state is read on every remote read and L0 fill: two volatile loads.
 */
final class Trust {

  private static final Logger log = LoggerFactory.getLogger(Trust.class);
  private static final long TRUSTING = Long.MIN_VALUE;

  private final String cacheName;
  private final boolean enabled;
  private final long boundMillis;
  private final long boundNanos;
  private final Clock clock;
  private final StatsRecorder stats;
  private volatile Runnable clear = () -> {};

  private volatile long untrustingSince = TRUSTING;
  private volatile long lastFailure = Long.MIN_VALUE / 2;
  private volatile long lastOwnHeartbeat;
  private volatile long trustedSince = Long.MIN_VALUE;

  Trust(String cacheName, Freshness freshness, Clock clock, StatsRecorder stats) {
    this.cacheName = cacheName;
    this.enabled = freshness.isByInvalidation();
    this.boundMillis = freshness.maxStaleness().toMillis();
    this.boundNanos = freshness.maxStaleness().toNanos();
    this.clock = clock;
    this.stats = stats;
    this.lastOwnHeartbeat = clock.millis();
  }

  /** Sets what clears this instance's L0 and flights (it exists only once the cache is wired). */
  void clearWith(Runnable clear) {
    this.clear = clear;
  }

  /** Returns whether remote copies may be served now. */
  boolean trustsRemote() {
    return untrustingSince == TRUSTING;
  }

  /**
   * Returns the instant (epoch millis) before which a remote copy is not served: when this instance
   * last began trusting again after a fault; {@link Long#MIN_VALUE} if it never lost trust.
   */
  long copiesWrittenSince() {
    return trustedSince;
  }

  /** Returns the longest an L0 entry filled now may live, given its own lifetime. */
  long clip(long lifetimeNanos) {
    return untrustingSince == TRUSTING ? lifetimeNanos : Math.min(lifetimeNanos, boundNanos);
  }

  /** A remote call of this instance failed. */
  void onRemoteFailure() {
    onFault("a remote call failed");
  }

  /**
   * The store reported a fault that may have lost acknowledged writes (a failover); {@code what}
   * says which. Handled as a failed call: it may have lost a removal a reader cannot know of.
   */
  void onFault(String what) {
    if (!enabled) {
      return;
    }
    long now = clock.millis();
    lastFailure = now;
    if (untrustingSince == TRUSTING) {
      enter(now, what);
    }
  }

  /** This instance heard its own heartbeat, or (re)subscribed: its channel works. */
  void onOwnHeartbeat() {
    lastOwnHeartbeat = clock.millis();
  }

  /** Judges the state; called with every heartbeat this instance sends. */
  void tick() {
    if (!enabled) {
      return;
    }
    long now = clock.millis();
    boolean heard = now - lastOwnHeartbeat <= boundMillis / 2;
    long since = untrustingSince;
    if (since == TRUSTING) {
      if (!heard) {
        enter(now, "its own heartbeat did not come back");
      }
    } else if (heard && now - lastFailure >= boundMillis && now - since >= boundMillis) {
      trustedSince = now;
      untrustingSince = TRUSTING;
      clear.run();
      log.info(
          "cache '{}': trusting its L0 and remote copies again after {} ms",
          cacheName,
          now - since);
    }
  }

  private synchronized void enter(long now, String why) {
    if (untrustingSince != TRUSTING) {
      return;
    }
    untrustingSince = now;
    stats.distrusted();
    clear.run();
    log.info(
        "cache '{}': {}; serving no remote copy and keeping L0 entries at most {} ms until healthy"
            + " for as long",
        cacheName,
        why,
        TimeUnit.NANOSECONDS.toMillis(boundNanos));
  }
}
