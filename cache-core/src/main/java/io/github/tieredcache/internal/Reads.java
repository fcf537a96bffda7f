package io.github.tieredcache.internal;

import com.github.benmanes.caffeine.cache.Ticker;
import io.github.tieredcache.AsyncLoader;
import io.github.tieredcache.Promotion;
import io.github.tieredcache.Tiers;
import io.github.tieredcache.codec.KeyCodec;
import io.github.tieredcache.spi.Envelope;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read path of one key after an L0 miss, written once for every caller: {@code get} and {@code
 * getAsync}, {@code getIfPresent} ({@link BulkReads} does {@code getAll}, with the helpers here).
 * The blocking methods are views over these futures (see {@link DefaultTieredCache}); they differ
 * from the asynchronous ones only in the executor the loader is called through.
 *
 * <p><b>Path.</b> Join the key's flight or lead one ({@link Loads}); read every tier of the key in
 * one round trip per store ({@link RemoteTiers}); let {@link Copies} choose the copy that serves. A
 * fresh copy fills the L0 and may be promoted (a separate write the caller never waits for, which
 * never overwrites a newer copy); a stale one is served at once and refreshed in the background; a
 * copy that does not decode is counted and removed, and the key is read again and loaded; a miss
 * loads. A remote failure is a miss: the cache then answers from the loader. A miss and a refresh
 * first ask for the key's fleet-wide load lease ({@link Leases}); a fresh copy about to expire may
 * be refreshed early ({@link EarlyRefresh}).
 *
 * <p><b>Threads.</b> Continuations run where the remote read completes, a store's I/O thread; they
 * never block and never call a loader there (loaders run through {@link Loads}).
 *
 * <p>Thread-safe.
 */
final class Reads<K, V> {

  private static final Logger log = LoggerFactory.getLogger(Reads.class);

  private final String cacheName;
  private final Tiers tiers;
  private final KeyCodec<K> keyCodec;
  private final Promotion<K> promotion;
  private final L0<K> l0;
  private final RemoteTiers remote;
  private final Copies<K, V> copies;
  private final Loads<K, V> loads;
  private final Leases<K> leases;
  private final EarlyRefresh early;
  private final Clock clock;
  private final Ticker ticker;
  private final StatsRecorder stats;
  private final Trust trust;
  private final @Nullable AsyncLoader<? super K, ?> defaultLoader;

  Reads(
      String cacheName,
      Tiers tiers,
      KeyCodec<K> keyCodec,
      Promotion<K> promotion,
      L0<K> l0,
      RemoteTiers remote,
      Copies<K, V> copies,
      Loads<K, V> loads,
      Leases<K> leases,
      EarlyRefresh early,
      Clock clock,
      Ticker ticker,
      StatsRecorder stats,
      Trust trust,
      @Nullable AsyncLoader<? super K, ?> defaultLoader) {
    this.cacheName = cacheName;
    this.tiers = tiers;
    this.keyCodec = keyCodec;
    this.promotion = promotion;
    this.l0 = l0;
    this.remote = remote;
    this.copies = copies;
    this.loads = loads;
    this.leases = leases;
    this.early = early;
    this.clock = clock;
    this.ticker = ticker;
    this.stats = stats;
    this.trust = trust;
    this.defaultLoader = defaultLoader;
  }

  /** Chooses the copy that serves, or none while this instance does not trust remote copies. */
  Copies.Choice choose(RemoteTiers.Read read, long now) {
    return trust.trustsRemote()
        ? copies.choose(read, now, trust.copiesWrittenSince())
        : Copies.Miss.MISS;
  }

  // -------------------------------------------------------------------------------- single

  /**
   * Reads {@code key} after an L0 miss and loads it with {@code loader}, called through {@code
   * where}, on a miss everywhere. Completes with the value, {@link Values#ABSENT}, or the loader's
   * failure.
   */
  CompletableFuture<Object> get(K key, AsyncLoader<? super K, ?> loader, Executor where) {
    Loads.Flight mine = new Loads.Flight();
    Loads.Flight flight = loads.joinOrLead(key, mine);
    if (flight != mine) {
      return flight.promise;
    }
    long seen = l0.stripe(key);
    byte[] encoded;
    try {
      encoded = keyCodec.encode(key);
    } catch (RuntimeException e) {
      loads.fail(key, mine, e);
      return mine.promise;
    }
    remote
        .read(encoded)
        .thenAccept(read -> lead(key, encoded, seen, read, mine, loader, where, LEASE_ASKS));
    return mine.promise;
  }

  /**
   * How often one read asks for the key's lease at most: a wait that a message ended early (a
   * resubscription wakes every waiter) may find the holder still loading, so it asks once more.
   */
  private static final int LEASE_ASKS = 2;

  /**
   * Serves what the read found, or loads; while {@code asks} is above 0 (and leases are on), a miss
   * or a copy to refresh first asks for the key's load lease (see {@link Leases}).
   */
  private void lead(
      K key,
      byte[] encoded,
      long seen,
      RemoteTiers.Read read,
      Loads.Flight flight,
      AsyncLoader<? super K, ?> loader,
      Executor where,
      int asks) {
    long now = clock.millis();
    boolean lease = asks > 0 && leases.enabled();
    Copies.Choice choice = choose(read, now);
    if (choice instanceof Copies.Fresh fresh) {
      stats.remoteLookup(fresh.tier());
      served(key, encoded, seen, read, fresh, now);
      if (early.refreshNow(fresh.tier(), now, fresh.freshUntil())) {
        loads.serveStale(flight, fresh.value(), fresh.freshUntil()); // served while it refreshes
        refresh(key, encoded, seen, read, flight, loader, lease, asks);
      } else {
        loads.complete(key, flight, fresh.value());
      }
    } else if (choice instanceof Copies.Stale stale) {
      stats.remoteLookup(stale.tier());
      loads.serveStale(flight, stale.value(), Envelope.servableUntil(stale.copy()));
      refresh(key, encoded, seen, read, flight, loader, lease, asks);
    } else if (choice instanceof Copies.Undecodable bad) {
      stats.remoteLookup(-1);
      undecodable(bad);
      remote
          .remove(encoded)
          .thenCompose(removed -> remote.read(encoded)) // the removal moved the generation
          .thenAccept(
              again -> loads.load(key, encoded, seen, again, null, 0, flight, loader, where));
    } else {
      stats.remoteLookup(-1);
      Copies.Miss miss = (Copies.Miss) choice;
      RemoteTiers.Read writable = miss.writeBack() ? read : null;
      if (!lease || writable == null) {
        loads.load(key, encoded, seen, writable, miss.rescue(), 0, flight, loader, where);
        return;
      }
      leases
          .take(key, encoded, read)
          .thenAccept(
              taken -> {
                switch (taken.lease().state()) {
                  case GRANTED, NONE ->
                      loads.load(
                          key,
                          encoded,
                          seen,
                          read,
                          miss.rescue(),
                          taken.lease().token(),
                          flight,
                          loader,
                          where);
                  case HELD ->
                      taken
                          .woken()
                          .thenRun(
                              () -> readAgain(key, encoded, seen, flight, loader, where, asks));
                  case READ_AGAIN -> readAgain(key, encoded, seen, flight, loader, where, asks);
                }
              });
    }
  }

  /**
   * Refreshes a key whose flight serves a copy (stale, or fresh and about to expire) in the
   * background; with {@code lease}, only the instance of the fleet that gets the lease does, and
   * here the copy serves until that instance is done. "Read again" (another instance may have
   * refreshed it since this read) reads it again, and refreshes what is still to refresh.
   */
  private void refresh(
      K key,
      byte[] encoded,
      long seen,
      RemoteTiers.Read read,
      Loads.Flight flight,
      AsyncLoader<? super K, ?> loader,
      boolean lease,
      int asks) {
    if (!lease) {
      loads.refresh(key, encoded, seen, read, 0, flight, loader);
      return;
    }
    leases
        .take(key, encoded, read)
        .thenAccept(
            taken -> {
              switch (taken.lease().state()) {
                case GRANTED, NONE ->
                    loads.refresh(key, encoded, seen, read, taken.lease().token(), flight, loader);
                case HELD -> taken.woken().thenRun(() -> loads.end(key, flight));
                // Its callers have their answer: a load it may still need runs in the background.
                case READ_AGAIN ->
                    readAgain(key, encoded, seen, flight, loader, loads.executor(), asks);
              }
            });
  }

  /** After a lease wait: reads the key once more, then serves it, refreshes it or loads it. */
  private void readAgain(
      K key,
      byte[] encoded,
      long seen,
      Loads.Flight flight,
      AsyncLoader<? super K, ?> loader,
      Executor where,
      int asks) {
    remote
        .read(encoded)
        .thenAccept(again -> lead(key, encoded, seen, again, flight, loader, where, asks - 1));
  }

  /**
   * Reads {@code key} after an L0 miss without loading: completes with the value, {@link
   * Values#ABSENT} or {@link Values#NOT_FOUND}. A stale copy is refreshed with the cache's loader,
   * if it has one.
   */
  CompletableFuture<Object> getIfPresent(K key) {
    long seen = l0.stripe(key);
    byte[] encoded = keyCodec.encode(key);
    return remote
        .read(encoded)
        .thenCompose(
            read -> {
              long now = clock.millis();
              Copies.Choice choice = choose(read, now);
              if (choice instanceof Copies.Fresh fresh) {
                stats.remoteLookup(fresh.tier());
                served(key, encoded, seen, read, fresh, now);
                return CompletableFuture.completedFuture(fresh.value());
              }
              if (choice instanceof Copies.Stale stale) {
                stats.remoteLookup(stale.tier());
                refreshLater(key, encoded, seen, read, stale);
                return CompletableFuture.completedFuture(stale.value());
              }
              stats.remoteLookup(-1);
              if (choice instanceof Copies.Undecodable bad) {
                undecodable(bad);
                return remote.remove(encoded).thenApply(removed -> Values.NOT_FOUND);
              }
              return CompletableFuture.completedFuture(Values.NOT_FOUND);
            });
  }

  // ------------------------------------------------------------------------------- serving

  /** A fresh copy served: promoted if the policy says so, and put in the L0. */
  void served(
      K key, byte[] encoded, long seen, RemoteTiers.Read read, Copies.Fresh fresh, long now) {
    promote(key, encoded, read, fresh, now);
    long untilFresh = TimeUnit.MILLISECONDS.toNanos(fresh.freshUntil() - now);
    l0.fill(key, fresh.value(), trust.clip(early.l0Nanos(fresh.tier(), untilFresh)), seen);
  }

  private void refreshLater(
      K key, byte[] encoded, long seen, RemoteTiers.Read read, Copies.Stale stale) {
    AsyncLoader<? super K, ?> loader = defaultLoader;
    if (loader == null) {
      return;
    }
    Loads.Flight flight =
        loads.startRefresh(key, stale.value(), Envelope.servableUntil(stale.copy()));
    if (flight != null) {
      loads.refresh(key, encoded, seen, read, 0, flight, loader);
    }
  }

  private void promote(K key, byte[] encoded, RemoteTiers.Read read, Copies.Fresh fresh, long now) {
    int from = fresh.tier();
    int to;
    try {
      to = promotion.target(key, from, tiers, ticker.read());
    } catch (RuntimeException e) {
      log.warn("cache '{}': the promotion policy failed", cacheName, e);
      return;
    }
    if (to == Promotion.NONE || to < 0 || to >= from) {
      return;
    }
    Copies.Placed placed = copies.promoted(fresh, to, now);
    if (placed == null) {
      return;
    }
    remote
        .promote(encoded, read, placed, from, promotion.moves())
        .thenAccept(
            written -> {
              if (written) {
                stats.promotion(from, to);
              }
            });
  }

  void undecodable(Copies.Undecodable bad) {
    if (bad.oversized()) {
      return; // counted as oversized by Copies; removed like an undecodable copy
    }
    stats.decodeError();
    log.debug(
        "cache '{}': the copy in tier {} did not decode and is treated as a miss",
        cacheName,
        tiers.get(bad.tier()).name(),
        bad.cause());
  }
}
