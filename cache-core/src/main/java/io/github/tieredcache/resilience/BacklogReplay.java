package io.github.tieredcache.resilience;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.TierStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay of a {@link ResilientTierStore}'s backlog: removals and clears that could not reach
 * the store, then the messages kept, in batches through the store's breaker once it lets calls
 * through (and again a little after a failure that left it closed); and the probes of a half-open
 * breaker, a pending invalidation being the most useful probe. One replay and one probe at a time.
 *
 * <p>Thread-safe.
 */
final class BacklogReplay {

  private static final Logger log = LoggerFactory.getLogger(BacklogReplay.class);

  private static final byte[] PROBE_KEY = {'p', 'r', 'o', 'b', 'e'};
  private static final int REPLAY_BATCH = 256;

  /** Up to this many keys replayed at once are announced one by one; more, as "drop every key". */
  private static final int ANNOUNCE_ONE_BY_ONE = 64;

  private final ResilientTierStore store;
  private final TierStore delegate;
  private final CircuitBreaker breaker;
  private final InvalidationBacklog backlog;
  private final Notices notices;
  private final Executor retryLater;
  private final String origin;
  private final AtomicBoolean replaying = new AtomicBoolean();
  private final AtomicBoolean replayScheduled = new AtomicBoolean();
  private final AtomicBoolean probing = new AtomicBoolean();

  BacklogReplay(
      ResilientTierStore store,
      TierStore delegate,
      CircuitBreaker breaker,
      InvalidationBacklog backlog,
      Notices notices,
      Executor retryLater,
      String origin) {
    this.store = store;
    this.delegate = delegate;
    this.breaker = breaker;
    this.backlog = backlog;
    this.notices = notices;
    this.retryLater = retryLater;
    this.origin = origin;
  }

  void afterBacklogGrew() {
    if (ResilientTierStore.letsCallsThrough(breaker.getState())) {
      replayLater(); // a failure that did not open the breaker; try again shortly
    }
  }

  private void replayLater() {
    if (!store.isClosed() && replayScheduled.compareAndSet(false, true)) {
      retryLater.execute(
          () -> {
            replayScheduled.set(false);
            replay();
          });
    }
  }

  /** Replays the backlog in batches while the breaker lets calls through; one replay at a time. */
  void replay() {
    if (store.isClosed()
        || (backlog.isEmpty() && notices.isEmpty())
        || !replaying.compareAndSet(false, true)) {
      return;
    }
    replayNextBatch();
  }

  private void replayNextBatch() {
    if (store.isClosed() || !ResilientTierStore.letsCallsThrough(breaker.getState())) {
      replaying.set(false);
      return;
    }
    List<InvalidationBacklog.Entry> batch = backlog.take(REPLAY_BATCH);
    if (batch.isEmpty()) {
      // Removals are done; the messages kept go after them, in order (a failed one is kept again).
      for (Notices.Notice notice : notices.drain()) {
        store.publish(notice.namespace(), notice.message());
      }
      replaying.set(false);
      if (!backlog.isEmpty()) {
        replay(); // something was added after take() and before the flag was cleared
      }
      return;
    }
    replayEntries(batch)
        .whenComplete(
            (ok, error) -> {
              if (error == null) {
                replayNextBatch();
              } else {
                replaying.set(false);
                replayLater();
              }
            });
  }

  /**
   * Replays entries through the breaker: one {@code clear} per namespace to clear and one {@code
   * removeAll} per namespace with removals, each followed by the message that drops what it removed
   * from every L0. Entries whose call fails go back to the backlog.
   */
  private CompletableFuture<Void> replayEntries(List<InvalidationBacklog.Entry> entries) {
    Map<Namespace, List<InvalidationBacklog.Entry>> removals = new LinkedHashMap<>();
    List<CompletableFuture<Void>> calls = new ArrayList<>();
    for (InvalidationBacklog.Entry entry : entries) {
      if (entry.isClear()) {
        Namespace ns = entry.namespace();
        calls.add(
            settle(List.of(entry), store.call(() -> delegate.clear(ns)))
                .thenRun(() -> store.publish(ns, Invalidation.ofAll(origin))));
      } else {
        removals.computeIfAbsent(entry.namespace(), n -> new ArrayList<>()).add(entry);
      }
    }
    removals.forEach(
        (namespace, group) -> {
          List<byte[]> keys = new ArrayList<>(group.size());
          for (InvalidationBacklog.Entry entry : group) {
            keys.add(Objects.requireNonNull(entry.key()).bytes());
          }
          calls.add(
              settle(group, store.call(() -> delegate.removeAll(namespace, keys)))
                  .thenRun(() -> announce(namespace, keys)));
        });
    return CompletableFuture.allOf(calls.toArray(CompletableFuture<?>[]::new));
  }

  /** Tells every instance to drop keys whose removal was late: one by one, or all if many. */
  private void announce(Namespace namespace, List<byte[]> keys) {
    if (keys.size() > ANNOUNCE_ONE_BY_ONE) {
      store.publish(namespace, Invalidation.ofAll(origin));
      return;
    }
    for (byte[] key : keys) {
      store.publish(namespace, Invalidation.ofKey(origin, key));
    }
  }

  /** Settles a replay call: delivered entries end, failed ones go back; fails as the call did. */
  private CompletableFuture<Void> settle(
      List<InvalidationBacklog.Entry> entries, CompletableFuture<Void> call) {
    return call.whenComplete(
        (ok, error) -> {
          if (error == null) {
            log.debug("Replayed {} invalidations", entries.size());
            backlog.settled(entries);
          } else if (ResilientTierStore.keep(error)) {
            backlog.putBack(entries);
          } else {
            log.warn(
                "Dropping {} invalidations the store refuses",
                entries.size(),
                ResilientTierStore.unwrap(error));
            backlog.settled(entries);
          }
        });
  }

  /**
   * Probes the delegate while the breaker is half-open, one call at a time, until the breaker
   * decides or refuses more probes; a pending invalidation is the most useful probe.
   */
  void probe() {
    if (store.isClosed() || !probing.compareAndSet(false, true)) {
      return;
    }
    probeNext();
  }

  private void probeNext() {
    if (store.isClosed() || breaker.getState() != CircuitBreaker.State.HALF_OPEN) {
      probing.set(false);
      return;
    }
    List<InvalidationBacklog.Entry> next = backlog.take(1);
    CompletableFuture<?> probe =
        next.isEmpty()
            ? store.call(() -> delegate.read(ResilientTierStore.PROBE_NAMESPACE, PROBE_KEY))
            : replayEntries(next);
    probe.whenComplete(
        (ok, error) -> {
          if (error != null
              && ResilientTierStore.unwrap(error) instanceof CallNotPermittedException) {
            probing.set(false); // every probe permit is taken; the breaker decides on their outcome
          } else {
            probeNext();
          }
        });
  }
}
