package io.github.tieredcache.internal;

import io.github.tieredcache.AsyncBulkLoader;
import io.github.tieredcache.AsyncLoader;
import io.github.tieredcache.codec.KeyCodec;
import io.github.tieredcache.spi.Envelope;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The bulk read path, {@code getAll} and {@code getAllAsync}: the keys' L0 entries, the flights in
 * progress, one bulk read per store for the rest, then one call of the bulk loader (or one load per
 * key) for the misses. A copy is chosen and served as {@link Reads} does for one key; the bulk path
 * serves no stale copy on a failed load and takes no lease.
 *
 * <p>Thread-safe.
 */
final class BulkReads<K, V> {

  private final Reads<K, V> single;
  private final KeyCodec<K> keyCodec;
  private final L0<K> l0;
  private final RemoteTiers remote;
  private final Loads<K, V> loads;
  private final Clock clock;
  private final StatsRecorder stats;
  private final @Nullable AsyncLoader<? super K, ?> defaultLoader;

  BulkReads(
      Reads<K, V> single,
      KeyCodec<K> keyCodec,
      L0<K> l0,
      RemoteTiers remote,
      Loads<K, V> loads,
      Clock clock,
      StatsRecorder stats,
      @Nullable AsyncLoader<? super K, ?> defaultLoader) {
    this.single = single;
    this.keyCodec = keyCodec;
    this.l0 = l0;
    this.remote = remote;
    this.loads = loads;
    this.clock = clock;
    this.stats = stats;
    this.defaultLoader = defaultLoader;
  }

  /**
   * Reads {@code keys}: from the L0, from flights in progress, and the rest in one bulk read per
   * store; the misses are loaded with {@code bulkLoader} in one call, or else one by one with
   * {@code loader}, called through {@code where}, or else left out. Completes with the keys whose
   * value is present, in the order asked, once every key's read is done.
   */
  CompletableFuture<Map<K, V>> getAll(
      Iterable<? extends K> keys,
      @Nullable AsyncBulkLoader<? super K, ?> bulkLoader,
      @Nullable AsyncLoader<? super K, ?> loader,
      Executor where) {
    Set<K> wanted = new LinkedHashSet<>();
    for (K key : keys) {
      wanted.add(Objects.requireNonNull(key, "keys contains null"));
    }
    Map<K, Object> found = new LinkedHashMap<>();
    Map<K, CompletableFuture<Object>> pending = new LinkedHashMap<>();
    List<K> ledKeys = new ArrayList<>();
    List<Loads.Flight> led = new ArrayList<>();
    for (K key : wanted) {
      Object hit = l0.get(key);
      if (hit != null) {
        found.put(key, hit);
        continue;
      }
      Loads.Flight mine = new Loads.Flight();
      Loads.Flight flight = loads.joinOrLead(key, mine);
      pending.put(key, flight.promise);
      if (flight == mine) {
        ledKeys.add(key);
        led.add(mine);
      }
    }
    if (!ledKeys.isEmpty()) {
      leadAll(ledKeys, led, bulkLoader, loader, where);
    }
    CompletableFuture<?>[] waits = pending.values().toArray(CompletableFuture<?>[]::new);
    return CompletableFuture.allOf(waits)
        .thenApply(
            done -> {
              Map<K, V> result = new LinkedHashMap<>();
              for (K key : wanted) {
                CompletableFuture<Object> wait = pending.get(key);
                Object value = wait == null ? found.get(key) : wait.join();
                if (Values.isValue(value)) {
                  @SuppressWarnings("unchecked")
                  V v = (V) value;
                  result.put(key, v);
                }
              }
              return Collections.unmodifiableMap(result);
            });
  }

  private void leadAll(
      List<K> keys,
      List<Loads.Flight> led,
      @Nullable AsyncBulkLoader<? super K, ?> bulkLoader,
      @Nullable AsyncLoader<? super K, ?> loader,
      Executor where) {
    long[] seen = new long[keys.size()];
    List<byte[]> encoded = new ArrayList<>(keys.size());
    List<K> readable = new ArrayList<>(keys.size());
    List<Loads.Flight> flights = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      K key = keys.get(i);
      try {
        byte[] bytes = keyCodec.encode(key);
        seen[readable.size()] = l0.stripe(key);
        encoded.add(bytes);
        readable.add(key);
        flights.add(led.get(i));
      } catch (RuntimeException e) {
        loads.fail(key, led.get(i), e);
      }
    }
    if (readable.isEmpty()) {
      return;
    }
    remote
        .readAll(encoded)
        .thenAccept(
            reads -> served(readable, encoded, seen, reads, flights, bulkLoader, loader, where));
  }

  private void served(
      List<K> keys,
      List<byte[]> encoded,
      long[] seen,
      List<RemoteTiers.Read> reads,
      List<Loads.Flight> flights,
      @Nullable AsyncBulkLoader<? super K, ?> bulkLoader,
      @Nullable AsyncLoader<? super K, ?> loader,
      Executor where) {
    long now = clock.millis();
    List<K> missKeys = new ArrayList<>();
    List<byte[]> missEncoded = new ArrayList<>();
    List<RemoteTiers.@Nullable Read> missReads = new ArrayList<>();
    List<Loads.Flight> missFlights = new ArrayList<>();
    List<Long> missSeen = new ArrayList<>();
    List<byte[]> undecodable = new ArrayList<>();
    AsyncLoader<? super K, ?> refresher = loader != null ? loader : defaultLoader;
    for (int i = 0; i < keys.size(); i++) {
      K key = keys.get(i);
      RemoteTiers.Read read = reads.get(i);
      Loads.Flight flight = flights.get(i);
      Copies.Choice choice = single.choose(read, now);
      if (choice instanceof Copies.Fresh fresh) {
        stats.remoteLookup(fresh.tier());
        single.served(key, encoded.get(i), seen[i], read, fresh, now);
        loads.complete(key, flight, fresh.value());
        continue;
      }
      if (choice instanceof Copies.Stale stale) {
        stats.remoteLookup(stale.tier());
        loads.serveStale(flight, stale.value(), Envelope.servableUntil(stale.copy()));
        if (refresher != null) {
          loads.refresh(key, encoded.get(i), seen[i], read, 0, flight, refresher);
        } else {
          loads.complete(key, flight, stale.value());
        }
        continue;
      }
      stats.remoteLookup(-1);
      boolean bad = choice instanceof Copies.Undecodable;
      if (bad) {
        single.undecodable((Copies.Undecodable) choice);
        undecodable.add(encoded.get(i));
      }
      missKeys.add(key);
      missEncoded.add(encoded.get(i));
      // A removal moves the generation, and a recent foreign copy stays: write nothing remotely.
      boolean writeBack = !bad && ((Copies.Miss) choice).writeBack();
      missReads.add(writeBack ? read : null);
      missFlights.add(flight);
      missSeen.add(seen[i]);
    }
    if (!undecodable.isEmpty()) {
      remote.removeAll(undecodable);
    }
    if (missKeys.isEmpty()) {
      return;
    }
    if (bulkLoader != null) {
      long[] s = new long[missSeen.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = missSeen.get(i);
      }
      loads.loadAll(missKeys, missEncoded, s, missReads, missFlights, bulkLoader, where);
    } else if (loader != null) {
      for (int i = 0; i < missKeys.size(); i++) {
        loads.load(
            missKeys.get(i),
            missEncoded.get(i),
            missSeen.get(i),
            missReads.get(i),
            null, // getAll serves no stale copy on error
            0, // nor takes leases
            missFlights.get(i),
            loader,
            where);
      }
    } else {
      for (int i = 0; i < missKeys.size(); i++) {
        loads.complete(missKeys.get(i), missFlights.get(i), Values.NOT_FOUND);
      }
    }
  }
}
