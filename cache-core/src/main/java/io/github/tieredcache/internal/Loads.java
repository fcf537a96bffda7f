package io.github.tieredcache.internal;

import io.github.tieredcache.AsyncBulkLoader;
import io.github.tieredcache.AsyncLoader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads: the one single-flight map that {@code get}, {@code getAll} and background refreshes share,
 * the calls to loaders, and the write-back of what they load.
 *
 * <p><b>Single flight.</b> A read that misses the L0 registers a {@link Flight} for its key, or
 * joins the one already there; only the registrant asks the remote tiers and the loader, and every
 * caller gets its promise. A flight stays registered until its work is done, and its promise may be
 * complete before that: after a load, while the value is written back (followers get the loaded
 * value at once, without asking Redis); and during a refresh, with the stale value being refreshed
 * (followers get it at once, as stale-while-revalidate promises, until its servable-until passes).
 * So concurrent callers in one instance cause at most one load per key.
 *
 * <p><b>Invalidation detaches.</b> {@code invalidate} and {@code put} remove the key's flight, so a
 * caller arriving afterwards starts a new read rather than joining one that began before. The
 * detached work finishes harmlessly: its remote write is conditional on the generation its read
 * saw, which the invalidation moved, and its L0 fill is guarded by the invalidation stripe.
 *
 * <p><b>A miss returns when the load completes.</b> The loaded value goes into the L0 (guarded by
 * the invalidation stripe, see {@link L0}) and to the callers before the write-back is sent, so the
 * next read here is an L0 hit; the write-back's outcome is counted ({@code cache.puts}, {@code
 * cache.writes.refused}, {@code cache.remote.errors}). When the store refuses it because the key
 * moved meanwhile (an invalidation or put on another instance whose message has not arrived yet),
 * the entry the load filled is dropped again, so a refused value never stays in the L0; it has been
 * visible here at most for one remote round trip, as a message in flight would leave it.
 *
 * <p><b>Where loaders run.</b> A loader is always called through the executor the caller names: the
 * cache's executor for the asynchronous methods and refreshes, and for the blocking methods an
 * executor that runs the task on the calling thread itself (see {@link CallerRuns}). So a loader
 * never runs on a store's I/O thread, and a blocking caller's loader runs on its own thread. A
 * loader's exception reaches every waiting caller and nothing is cached.
 *
 * <p><b>Leases and timeouts.</b> A load may hold the key's fleet-wide lease ({@link Leases}): its
 * write-back is then fenced by the lease's token, and when it is settled (or the load failed, or
 * wrote nothing) the lease ends and the other instances are told. A load may be watched by {@link
 * LoadTimeouts}, which may answer its callers before it completes; it still completes and writes
 * back, and is never cancelled.
 *
 * <p>Thread-safe.
 */
final class Loads<K, V> {

  private static final Logger log = LoggerFactory.getLogger(Loads.class);

  /** The work in progress on one key; see the class comment. */
  static final class Flight {
    final CompletableFuture<Object> promise = new CompletableFuture<>();

    /** For a refresh, when its stale value stops being servable (cache clock, epoch ms). */
    volatile long servableUntil = Long.MAX_VALUE;

    /** Returns whether a follower may take this flight's promise at {@code now}. */
    boolean joinable(long now) {
      return servableUntil == Long.MAX_VALUE || now < servableUntil;
    }
  }

  private final String cacheName;
  private final ConcurrentHashMap<K, Flight> flights = new ConcurrentHashMap<>();
  private final Copies<K, V> copies;
  private final RemoteTiers remote;
  private final L0<K> l0;
  private final Clock clock;
  private final Executor executor;
  private final StatsRecorder stats;
  private final Trust trust;
  private final Admissions admissions;
  private final Leases<K> leases;
  private final EarlyRefresh early;
  private final LoaderCalls<K> calls;
  private final LoadTimeouts timeouts;
  private final AtomicBoolean unplaceableWarned = new AtomicBoolean();

  Loads(
      String cacheName,
      Copies<K, V> copies,
      RemoteTiers remote,
      L0<K> l0,
      Clock clock,
      Executor executor,
      StatsRecorder stats,
      Trust trust,
      Admissions admissions,
      Leases<K> leases,
      EarlyRefresh early,
      LoaderCalls<K> calls,
      LoadTimeouts timeouts) {
    this.early = early;
    this.cacheName = cacheName;
    this.leases = leases;
    this.calls = calls;
    this.timeouts = timeouts;
    this.admissions = admissions;
    this.copies = copies;
    this.remote = remote;
    this.l0 = l0;
    this.clock = clock;
    this.executor = executor;
    this.stats = stats;
    this.trust = trust;
  }

  // --------------------------------------------------------------------------------- flights

  /**
   * Returns the flight to join for {@code key}, or registers and returns {@code mine} when there is
   * none (or only a refresh whose stale value expired); {@code mine} is returned only when the
   * caller now leads.
   */
  Flight joinOrLead(K key, Flight mine) {
    while (true) {
      Flight current = flights.putIfAbsent(key, mine);
      if (current == null) {
        return mine;
      }
      if (current.joinable(clock.millis())) {
        stats.coalesced();
        return current;
      }
      if (flights.replace(key, current, mine)) {
        return mine; // the refresh's stale value died while it ran; this read goes ahead
      }
    }
  }

  /**
   * Registers a refresh of {@code key} serving {@code stale} until {@code servableUntil}; returns
   * the flight, or {@code null} when other work on the key is in progress.
   */
  @Nullable Flight startRefresh(K key, Object stale, long servableUntil) {
    Flight flight = new Flight();
    flight.servableUntil = servableUntil;
    flight.promise.complete(stale);
    return flights.putIfAbsent(key, flight) == null ? flight : null;
  }

  /** Turns a led flight whose read found a stale copy into that copy's refresh. */
  void serveStale(Flight flight, Object stale, long servableUntil) {
    flight.servableUntil = servableUntil;
    flight.promise.complete(stale);
  }

  /**
   * Ends a flight and completes it with a value that needs no write-back. Removed first, so no
   * caller arriving after this read joins it: a copy read now may be dead for a later caller.
   */
  void complete(K key, Flight flight, Object value) {
    flights.remove(key, flight);
    flight.promise.complete(value);
  }

  /** Returns the cache's executor, for work no caller waits for. */
  Executor executor() {
    return executor;
  }

  /** Ends a flight whose promise is already complete (a stale copy it served). */
  void end(K key, Flight flight) {
    flights.remove(key, flight);
  }

  /** Fails a flight and ends it, so the next caller starts afresh. */
  void fail(K key, Flight flight, Throwable error) {
    flights.remove(key, flight);
    flight.promise.completeExceptionally(error);
  }

  /** Detaches the key's flight; see the class comment. */
  void detach(K key) {
    flights.remove(key);
  }

  /** Detaches every flight. */
  void detachAll() {
    flights.clear();
  }

  // ----------------------------------------------------------------------------------- loads

  /**
   * Loads {@code key} through {@code where} for the flight the caller leads, completes the flight
   * with the value (or the loader's failure), then writes the value back.
   *
   * @param read what the remote tiers answered, or {@code null} when it must not be written back
   *     (the key's copy did not decode and its generation is unknown)
   * @param rescue a copy past its stale window to answer with if the loader fails, or {@code null}
   *     (see {@code TieredCacheBuilder.staleOnError})
   * @param leaseToken the token of the key's load lease this load holds, or {@code 0}
   */
  void load(
      K key,
      byte[] encoded,
      long seen,
      RemoteTiers.@Nullable Read read,
      byte @Nullable [] rescue,
      long leaseToken,
      Flight flight,
      AsyncLoader<? super K, ?> loader,
      Executor where) {
    Runnable unwatch = // the timeouts run from before the loader is called
        timeouts.enabled() ? timeouts.watch(flight, rescue, () -> end(key, flight)) : () -> {};
    CompletableFuture<Object> loading = calls.call(loader, key, where);
    loading.whenComplete(
        (value, error) -> {
          unwatch.run();
          if (error != null) {
            leases.finish(encoded, leaseToken, false);
            if (flight.promise.isDone()) { // a load timeout answered the callers already
              flights.remove(key, flight);
              return;
            }
            Object stale = rescue == null ? null : copies.rescue(rescue);
            if (stale == null) {
              fail(key, flight, error);
              return;
            }
            stats.staleOnError();
            log.debug(
                "cache '{}': a load failed; a copy within the stale-on-error bound serves",
                cacheName,
                error);
            complete(key, flight, stale);
            return;
          }
          // The write-back fills the L0 at once and only sends the write; then the callers go.
          CompletableFuture<?> written = writeBack(key, encoded, seen, read, value, leaseToken);
          answer(key, flight, value, written);
        });
  }

  /**
   * Answers a flight's callers with a loaded value and ends the flight once its write-back is
   * settled; a flight with nothing left to write ends first, so no later caller joins it.
   */
  private void answer(K key, Flight flight, Object value, CompletableFuture<?> written) {
    if (written.isDone()) {
      complete(key, flight, value);
    } else {
      flight.promise.complete(value);
      written.whenComplete((outcome, e) -> flights.remove(key, flight));
    }
  }

  /**
   * Reloads a key whose stale copy is being served by {@code flight}, on the cache's executor,
   * writes the new value back and ends the flight. A failure leaves the stale copy to serve until
   * its window ends.
   */
  void refresh(
      K key,
      byte[] encoded,
      long seen,
      RemoteTiers.Read read,
      long leaseToken,
      Flight flight,
      AsyncLoader<? super K, ?> loader) {
    calls
        .call(loader, key, executor)
        .whenComplete(
            (value, error) -> {
              if (error != null) {
                leases.finish(encoded, leaseToken, false);
                log.debug(
                    "cache '{}': a background refresh failed; the stale copy serves until its"
                        + " window ends",
                    cacheName,
                    error);
                flights.remove(key, flight);
                return;
              }
              writeBack(key, encoded, seen, read, value, leaseToken)
                  .whenComplete((outcome, e) -> flights.remove(key, flight));
            });
  }

  /**
   * Loads {@code keys} with one call of {@code loader} through {@code where}, then completes each
   * key's flight and writes the values back, one bulk write per store; a loader failure fails every
   * flight.
   */
  void loadAll(
      List<K> keys,
      List<byte[]> encoded,
      long[] seen,
      List<RemoteTiers.@Nullable Read> reads,
      List<Flight> led,
      AsyncBulkLoader<? super K, ?> loader,
      Executor where) {
    calls
        .callBulk(loader, keys, where)
        .whenComplete(
            (loaded, error) -> {
              if (error != null) {
                for (int i = 0; i < keys.size(); i++) {
                  fail(keys.get(i), led.get(i), error);
                }
                return;
              }
              List<Object> values = new ArrayList<>(keys.size());
              for (int i = 0; i < keys.size(); i++) {
                Object value = loaded.get(keys.get(i));
                values.add(value == null ? Values.ABSENT : value);
              }
              CompletableFuture<?> written = writeBackAll(keys, encoded, seen, reads, values);
              for (int i = 0; i < keys.size(); i++) {
                answer(keys.get(i), led.get(i), values.get(i), written);
              }
            });
  }

  // ------------------------------------------------------------------------------ write-back

  /**
   * Fills the L0 with a loaded value (or absence), then writes it to its tier at the generation its
   * read saw, and drops the L0 entry again if the store refused; then ends the load's lease, if it
   * holds one. Never fails.
   */
  private CompletableFuture<?> writeBack(
      K key,
      byte[] encoded,
      long seen,
      RemoteTiers.@Nullable Read read,
      Object value,
      long leaseToken) {
    Copies.Placed placed = placeLoaded(key, value);
    if (placed == null) {
      leases.finish(encoded, leaseToken, false);
      return CompletableFuture.completedFuture(null);
    }
    Object filled = fill(key, value, seen, placed);
    if (read != null && !admitted(placed, encoded)) {
      leases.finish(encoded, leaseToken, false);
      return CompletableFuture.completedFuture(null); // the L0 only
    }
    CompletableFuture<RemoteTiers.Outcome> written =
        read == null
            ? CompletableFuture.completedFuture(RemoteTiers.Outcome.FAILED)
            : remote.writeIfGeneration(encoded, read, placed, leaseToken);
    return written.thenAccept(
        outcome -> {
          settled(key, filled, outcome);
          boolean fenced = outcome == RemoteTiers.Outcome.WRITTEN && remote.fences(placed.tier());
          leases.finish(encoded, leaseToken, fenced);
        });
  }

  private CompletableFuture<?> writeBackAll(
      List<K> keys,
      List<byte[]> encoded,
      long[] seen,
      List<RemoteTiers.@Nullable Read> reads,
      List<Object> values) {
    List<Integer> index = new ArrayList<>();
    List<@Nullable Object> filled = new ArrayList<>();
    List<byte[]> writeKeys = new ArrayList<>();
    List<RemoteTiers.Read> writeReads = new ArrayList<>();
    List<Copies.Placed> writePlaced = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      Copies.Placed placed = placeLoaded(keys.get(i), values.get(i));
      if (placed == null) {
        continue;
      }
      Object entry = fill(keys.get(i), values.get(i), seen[i], placed);
      RemoteTiers.Read read = reads.get(i);
      if (read == null || !admitted(placed, encoded.get(i))) {
        continue; // its generation is unknown, or its tier does not admit it: the L0 only
      }
      index.add(i);
      filled.add(entry);
      writeKeys.add(encoded.get(i));
      writeReads.add(read);
      writePlaced.add(placed);
    }
    if (index.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return remote
        .writeAllIfGeneration(writeKeys, writeReads, writePlaced)
        .thenAccept(
            outcomes -> {
              for (int j = 0; j < index.size(); j++) {
                settled(keys.get(index.get(j)), filled.get(j), outcomes.get(j));
              }
            });
  }

  /** Whether the tier the value is placed in takes its copy; counts a refusal. */
  private boolean admitted(Copies.Placed placed, byte[] encoded) {
    if (admissions.admit(placed.tier(), encoded)) {
      return true;
    }
    stats.admissionRefused();
    return false;
  }

  private void settled(K key, @Nullable Object filled, RemoteTiers.Outcome outcome) {
    switch (outcome) {
      case WRITTEN -> stats.put();
      case REFUSED -> {
        stats.writeRefused(); // the key moved while it loaded: cache it nowhere
        l0.drop(key, filled);
      }
      case FAILED, SKIPPED -> {} // the L0 keeps it for its bound, as with the store down
    }
  }

  private @Nullable Object fill(K key, Object value, long seen, Copies.Placed placed) {
    long untilFresh = TimeUnit.MILLISECONDS.toNanos(placed.freshUntil() - clock.millis());
    return l0.fill(key, value, trust.clip(early.l0Nanos(placed.tier(), untilFresh)), seen);
  }

  /** Places a loaded value, or returns {@code null} when it is not to be cached. */
  private Copies.@Nullable Placed placeLoaded(K key, Object value) {
    if (value == Values.ABSENT && !copies.cachesAbsence()) {
      return null;
    }
    try {
      return copies.place(key, value, clock.millis());
    } catch (RuntimeException e) {
      if (unplaceableWarned.compareAndSet(false, true)) {
        log.warn(
            "cache '{}': a loaded value could not be placed or encoded; it is returned to its"
                + " callers but not cached (logged once per cache; later ones at debug level)",
            cacheName,
            e);
      } else {
        log.debug("cache '{}': a loaded value could not be placed or encoded", cacheName, e);
      }
      return null;
    }
  }
}
