package io.github.tieredcache.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.tieredcache.codec.KeyCodec;
import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.InvalidationListener;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coherence: {@code put}, {@code invalidate} and {@code invalidateAll}, and the invalidation
 * messages that keep the other instances' L0s in step.
 *
 * <p><b>What an invalidation guarantees here.</b> {@code invalidate} removes the key's copy from
 * every tier (which advances its generation, so a load that read before can no longer write), then
 * drops it from this instance's L0 and detaches its flight (so no caller arriving later joins a
 * read that began earlier), then tells the other instances. {@code put} writes the placement tier
 * and removes the other tiers' copies (advancing the generation too), then does the same locally
 * and fills the L0 with the new value. {@code invalidateAll} retires every copy of the cache at
 * once (a new epoch on Redis).
 *
 * <p><b>Messages.</b> Each instance ignores its own messages (they carry its id), but for its own
 * heartbeats, which prove its subscription works (see {@link Trust}). A message naming a key drops
 * that key here as an invalidation would; one naming every key clears the L0; so does every
 * (re)subscription, since messages published while the subscription was down are lost. A message
 * whose key does not decode clears the L0 too: it cannot be known what it meant. A {@code LOADED}
 * message drops nothing: it ends the wait of a read here for another instance's load lease (see
 * {@link Leases}).
 *
 * <p><b>Sequences: a lost message is noticed.</b> An instance numbers its key and all messages 1,
 * 2, 3, ..., and its heartbeats carry its latest number. A receiver remembers the latest number of
 * each sender; a number that jumps (or a first message numbered above 1, or a first heartbeat above
 * 0) means messages were lost, and since nothing says which keys they named, the receiver clears
 * its L0 and counts {@code cache.messages.gaps}. Messages without a number (re-sent by a store
 * after an outage) drop their key and nothing more.
 *
 * <p>Failures of the store are counted and never reach the caller; an instance whose message could
 * not be sent relies on the other instances' L0 bound (see the class comment of {@link L0}).
 *
 * <p>Thread-safe.
 */
final class Coherence<K, V> implements InvalidationListener {

  private static final Logger log = LoggerFactory.getLogger(Coherence.class);

  private final String cacheName;
  private final String instanceId;
  private final KeyCodec<K> keyCodec;
  private final Copies<K, V> copies;
  private final RemoteTiers remote;
  private final L0<K> l0;
  private final Loads<K, V> loads;
  private final Leases<K> leases;
  private final Clock clock;
  private final StatsRecorder stats;
  private final Trust trust;
  private final AtomicLong sequence = new AtomicLong();

  /** The latest sequence heard from each sender; instances come and go, so it forgets. */
  private final Cache<String, Long> latest =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofHours(1)).build();

  Coherence(
      String cacheName,
      String instanceId,
      KeyCodec<K> keyCodec,
      Copies<K, V> copies,
      RemoteTiers remote,
      L0<K> l0,
      Loads<K, V> loads,
      Leases<K> leases,
      Clock clock,
      StatsRecorder stats,
      Trust trust) {
    this.cacheName = cacheName;
    this.instanceId = instanceId;
    this.keyCodec = keyCodec;
    this.copies = copies;
    this.remote = remote;
    this.l0 = l0;
    this.loads = loads;
    this.leases = leases;
    this.clock = clock;
    this.stats = stats;
    this.trust = trust;
  }

  /** Writes {@code value}; see the class comment. Completes when done; never fails remotely. */
  CompletableFuture<Void> put(K key, V value) {
    byte[] encoded = keyCodec.encode(key);
    Copies.Placed placed = copies.place(key, value, clock.millis());
    return remote
        .put(encoded, placed)
        .thenAccept(
            written -> {
              if (written && placed.copy() != null) {
                stats.put();
              }
              invalidateLocally(key);
              long untilFresh = TimeUnit.MILLISECONDS.toNanos(placed.freshUntil() - clock.millis());
              l0.fill(key, value, trust.clip(untilFresh), l0.stripe(key));
              publish(Invalidation.ofKey(instanceId, sequence.incrementAndGet(), encoded));
            });
  }

  /** Removes {@code key} everywhere; see the class comment. */
  CompletableFuture<Void> invalidate(K key) {
    byte[] encoded = keyCodec.encode(key);
    return remote
        .remove(encoded)
        .thenRun(
            () -> {
              invalidateLocally(key);
              publish(Invalidation.ofKey(instanceId, sequence.incrementAndGet(), encoded));
            });
  }

  /** Removes every key everywhere; see the class comment. */
  CompletableFuture<Void> invalidateAll() {
    return remote
        .clear()
        .thenRun(
            () -> {
              clearLocally();
              publish(Invalidation.ofAll(instanceId, sequence.incrementAndGet()));
            });
  }

  /**
   * Drops {@code key} from this instance only: the L0 entry and the flight; a read waiting for
   * another instance's lease on it reads again.
   */
  void invalidateLocally(K key) {
    l0.invalidate(key);
    loads.detach(key);
    leases.wake(key);
  }

  /** Drops everything from this instance only. */
  void clearLocally() {
    l0.invalidateAll();
    loads.detachAll();
    leases.wakeAll();
  }

  private void publish(Invalidation message) {
    remote.publish(message);
  }

  /** Sends this instance's heartbeat, with its latest sequence. */
  void heartbeat() {
    publish(Invalidation.heartbeat(instanceId, sequence.get()));
  }

  @Override
  public void onInvalidation(Invalidation message) {
    if (message.origin().equals(instanceId)) {
      if (message.isHeartbeat()) {
        trust.onOwnHeartbeat();
      }
      return;
    }
    if (message.sequence() != Invalidation.UNSEQUENCED) {
      checkSequence(message);
    }
    if (message.isHeartbeat() || (message.isLoaded() && !leases.waiting())) {
      return; // a load's message matters only to a read waiting here
    }
    if (message.isAll()) {
      clearLocally();
      return;
    }
    K key;
    try {
      key = keyCodec.decode(Objects.requireNonNull(message.key()));
    } catch (RuntimeException e) {
      if (message.isLoaded()) {
        return; // it asks to drop nothing
      }
      log.warn(
          "cache '{}': an invalidation named a key that does not decode; clearing the L0",
          cacheName,
          e);
      clearLocally();
      return;
    }
    if (message.isLoaded()) {
      leases.wake(key); // another instance loaded it under its lease: a read waiting here goes on
    } else {
      invalidateLocally(key);
    }
  }

  private void checkSequence(Invalidation message) {
    long seq = message.sequence();
    boolean numbered = !message.isHeartbeat(); // a heartbeat repeats the latest number
    Long last = latest.asMap().get(message.origin());
    boolean gap = last == null ? seq > (numbered ? 1 : 0) : seq > (numbered ? last + 1 : last);
    latest.asMap().merge(message.origin(), seq, Math::max);
    if (gap) {
      stats.messageGap();
      log.debug(
          "cache '{}': messages from {} were lost (now at #{}, last heard #{}); clearing the L0",
          cacheName,
          message.origin(),
          seq,
          last);
      clearLocally();
    }
  }

  @Override
  public void onSubscribed() {
    trust.onOwnHeartbeat(); // the subscription is confirmed
    clearLocally();
  }

  /** The store may have lost acknowledged removals (a failover): trust nothing read before. */
  @Override
  public void onStoreFault(String what) {
    trust.onFault("the store reports that " + what);
  }
}
