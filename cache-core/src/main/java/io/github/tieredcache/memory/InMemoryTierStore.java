package io.github.tieredcache.memory;

import com.github.benmanes.caffeine.cache.Ticker;
import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.InvalidationListener;
import io.github.tieredcache.spi.Lease;
import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spi.Write;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A {@link TierStore} in this process's heap: the embedded store for a single instance, for tests,
 * and for the examples. Caches sharing one instance behave like instances sharing one Redis: they
 * see each other's copies and invalidation messages.
 *
 * <p>Consistency: every operation on one key runs inside {@link ConcurrentHashMap#compute} on that
 * key's record, so a conditional write and an invalidation of the same key are serialized, as the
 * Lua scripts serialize them on Redis. A clear takes a cache-wide write lock (writes take the read
 * lock) and moves the cache's base generation, which every key without a generation of its own
 * reports; so a load that read before the clear, even of a key never written, cannot write after
 * it. Expiry is judged by the injected {@link Ticker} at read time; expired copies are dropped
 * lazily.
 *
 * <p>Operations complete before they return; listeners are called on the publishing thread.
 */
public final class InMemoryTierStore implements TierStore {

  private final Ticker ticker;
  private final Map<String, CacheState> caches = new ConcurrentHashMap<>();
  private final Map<String, Set<InvalidationListener>> listeners = new ConcurrentHashMap<>();
  private final AtomicLong generations = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong updates = new AtomicLong();
  private final LeaseTable leases = new LeaseTable(); // guarded by itself

  /**
   * Every this many updates, a cache's expired records are swept, so untouched keys do not pile up.
   */
  private static final int SWEEP_EVERY = 4096;

  /** Creates a store whose copies expire by the system clock. */
  public InMemoryTierStore() {
    this(Ticker.systemTicker());
  }

  /** Creates a store whose copies expire by {@code ticker} (nanoseconds). */
  public InMemoryTierStore(Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  @Override
  public CompletableFuture<Lookup> read(Namespace namespace, byte[] key) {
    return run(() -> lookup(namespace, key));
  }

  @Override
  public CompletableFuture<List<Lookup>> readAll(Namespace namespace, List<byte[]> keys) {
    return run(
        () -> {
          List<Lookup> lookups = new ArrayList<>(keys.size());
          for (byte[] key : keys) {
            lookups.add(lookup(namespace, key));
          }
          return lookups;
        });
  }

  @Override
  public CompletableFuture<Boolean> writeIfGeneration(Namespace namespace, Write write) {
    if (write.leaseToken() == 0) {
      return run(() -> conditionalWrite(namespace, write));
    }
    return run(
        () -> {
          synchronized (leases) {
            String cache = namespace.cacheName();
            long now = ticker.read();
            if (!leases.mayWrite(cache, write.key(), write.leaseToken(), now)) {
              return false;
            }
            boolean written = conditionalWrite(namespace, write);
            if (written) {
              leases.filled(cache, write.key(), now, write.ttl().toNanos());
            }
            return written;
          }
        });
  }

  @Override
  public CompletableFuture<Lease> lease(
      Namespace namespace, byte[] key, long seenGeneration, long token, Duration time) {
    if (token == 0) {
      throw new IllegalArgumentException("a lease token is never 0");
    }
    return run(
        () -> {
          synchronized (leases) {
            if (generation(namespace, key) != seenGeneration) {
              return Lease.readAgain();
            }
            return leases.take(namespace.cacheName(), key, token, ticker.read(), time.toNanos());
          }
        });
  }

  @Override
  public CompletableFuture<Void> releaseLease(Namespace namespace, byte[] key, long token) {
    return run(
        () -> {
          synchronized (leases) {
            leases.release(namespace.cacheName(), key, token, ticker.read());
          }
          return null;
        });
  }

  private void endLease(Namespace namespace, byte[] key) {
    synchronized (leases) {
      leases.end(namespace.cacheName(), key);
    }
  }

  @Override
  public CompletableFuture<List<Boolean>> writeAllIfGeneration(
      Namespace namespace, List<Write> writes) {
    return run(
        () -> {
          List<Boolean> outcomes = new ArrayList<>(writes.size());
          for (Write write : writes) {
            outcomes.add(conditionalWrite(namespace, write));
          }
          return outcomes;
        });
  }

  @Override
  public CompletableFuture<Boolean> promote(Namespace namespace, Write write) {
    return promote(namespace, write, -1);
  }

  @Override
  public CompletableFuture<Boolean> move(Namespace namespace, Write write, int from) {
    checkTier(namespace, from);
    if (from <= write.tier()) {
      throw new IllegalArgumentException(
          "move: tier " + from + " is not colder than tier " + write.tier());
    }
    return promote(namespace, write, from);
  }

  /** Promotes {@code write}, and removes tier {@code from}'s copy when written (unless -1). */
  private CompletableFuture<Boolean> promote(Namespace namespace, Write write, int from) {
    checkTier(namespace, write.tier());
    return run(
        () -> {
          boolean[] written = {false};
          update(
              namespace,
              write.key(),
              record -> {
                long now = ticker.read();
                if (record.generation(now) != write.expectedGeneration()
                    || record.copy(write.tier(), now) != null) {
                  return record;
                }
                written[0] = true;
                KeyRecord promoted =
                    record.withCopy(write.tier(), write.copy(), expiry(now, write.ttl()));
                return from < 0 ? promoted : promoted.withoutCopy(from);
              });
          return written[0];
        });
  }

  @Override
  public CompletableFuture<Void> put(Namespace namespace, Write write) {
    checkTier(namespace, write.tier());
    return run(
        () -> {
          update(
              namespace,
              write.key(),
              record -> {
                long now = ticker.read();
                return KeyRecord.empty(namespace.tiers().size())
                    .withGeneration(nextGeneration(), expiry(now, namespace.generationRetention()))
                    .withCopy(write.tier(), write.copy(), expiry(now, write.ttl()));
              });
          endLease(namespace, write.key());
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> remove(Namespace namespace, byte[] key) {
    return run(
        () -> {
          invalidate(namespace, key);
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> removeAll(Namespace namespace, List<byte[]> keys) {
    return run(
        () -> {
          keys.forEach(key -> invalidate(namespace, key));
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> clear(Namespace namespace) {
    return run(
        () -> {
          CacheState state = state(namespace);
          state.lock.writeLock().lock();
          try {
            state.baseGeneration = nextGeneration();
            state.keys.clear();
          } finally {
            state.lock.writeLock().unlock();
          }
          synchronized (leases) {
            leases.endAll(namespace.cacheName());
          }
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> publish(Namespace namespace, Invalidation message) {
    return run(
        () -> {
          for (InvalidationListener listener :
              listeners.getOrDefault(namespace.cacheName(), Set.of())) {
            listener.onInvalidation(message);
          }
          return null;
        });
  }

  @Override
  public AutoCloseable subscribe(Namespace namespace, InvalidationListener listener) {
    Objects.requireNonNull(listener, "listener");
    ensureOpen();
    Set<InvalidationListener> set =
        listeners.computeIfAbsent(namespace.cacheName(), name -> new CopyOnWriteArraySet<>());
    set.add(listener);
    listener.onSubscribed();
    return () -> set.remove(listener);
  }

  @Override
  public void close() {
    closed.set(true);
    caches.clear();
    listeners.clear();
  }

  /** Returns how many keys of the namespace hold a servable copy in any tier (for tests). */
  public long size(Namespace namespace) {
    long now = ticker.read();
    return state(namespace).keys.values().stream()
        .filter(record -> record.hottest(now) >= 0)
        .count();
  }

  /** Returns how many key records the namespace holds, expired ones not yet swept included. */
  public long records(Namespace namespace) {
    return state(namespace).keys.size();
  }

  /**
   * Returns the bytes the namespace's live data would take as keys and values in a store like
   * Redis, without its per-key overhead: for every copy not expired, its key and its bytes; for
   * every generation still retained, its key and 8 bytes. For reports of what a configuration costs
   * in memory (the benchmarks' effectiveness report).
   */
  public long storedBytes(Namespace namespace) {
    long sum = 0;
    for (long bytes : storedBytesByTier(namespace)) {
      sum += bytes;
    }
    return sum;
  }

  /**
   * Returns {@link #storedBytes} split by what holds them: one element per tier of the namespace,
   * hottest first, then one for the retained generations.
   */
  public long[] storedBytesByTier(Namespace namespace) {
    long now = ticker.read();
    int tiers = namespace.tiers().size();
    long[] bytes = new long[tiers + 1];
    for (Map.Entry<ByteKey, KeyRecord> entry : state(namespace).keys.entrySet()) {
      int key = entry.getKey().bytes().length;
      KeyRecord record = entry.getValue();
      for (int tier = 0; tier < Math.min(tiers, record.copies.length); tier++) {
        byte[] copy = record.copy(tier, now);
        if (copy != null) {
          bytes[tier] += key + copy.length;
        }
      }
      if (record.generation(now) != 0) {
        bytes[tiers] += key + Long.BYTES;
      }
    }
    return bytes;
  }

  /**
   * Overwrites the copy of {@code key} in one tier with arbitrary bytes, leaving its generation as
   * it is; for tests that need bytes this library did not write.
   */
  public void overwriteRaw(Namespace namespace, byte[] key, int tier, byte[] bytes, Duration ttl) {
    checkTier(namespace, tier);
    update(
        namespace, key, record -> record.withCopy(tier, bytes.clone(), expiry(ticker.read(), ttl)));
  }

  /** The key's generation, as {@link #lookup} reports it, without copying its copies. */
  private long generation(Namespace namespace, byte[] key) {
    CacheState state = state(namespace);
    KeyRecord record = state.keys.get(new ByteKey(key));
    return record == null ? state.baseGeneration : state.generation(record, ticker.read());
  }

  private Lookup lookup(Namespace namespace, byte[] key) {
    CacheState state = state(namespace);
    int tiers = namespace.tiers().size();
    KeyRecord record = state.keys.get(new ByteKey(key));
    long now = ticker.read();
    if (record == null) {
      return Lookup.miss(tiers, state.baseGeneration);
    }
    byte[][] copies = new byte[tiers][];
    for (int tier = 0; tier < tiers; tier++) {
      byte[] copy = record.copy(tier, now);
      copies[tier] = copy == null ? null : copy.clone();
    }
    return Lookup.of(copies, state.generation(record, now));
  }

  private boolean conditionalWrite(Namespace namespace, Write write) {
    checkTier(namespace, write.tier());
    boolean[] written = {false};
    update(
        namespace,
        write.key(),
        record -> {
          long now = ticker.read();
          if (state(namespace).generation(record, now) != write.expectedGeneration()) {
            return record;
          }
          written[0] = true;
          KeyRecord cleared = KeyRecord.empty(namespace.tiers().size());
          if (record.generation(now) != 0) {
            cleared = cleared.withGeneration(record.generation, record.generationExpiry);
          }
          return cleared.withCopy(write.tier(), write.copy(), expiry(now, write.ttl()));
        });
    return written[0];
  }

  private void invalidate(Namespace namespace, byte[] key) {
    endLease(namespace, key);
    update(
        namespace,
        key,
        record ->
            KeyRecord.empty(namespace.tiers().size())
                .withGeneration(
                    nextGeneration(), expiry(ticker.read(), namespace.generationRetention())));
  }

  private void update(Namespace namespace, byte[] key, Function<KeyRecord, KeyRecord> change) {
    ensureOpen();
    int tiers = namespace.tiers().size();
    CacheState state = state(namespace);
    state.lock.readLock().lock();
    try {
      state.keys.compute(
          new ByteKey(key.clone()),
          (k, record) -> {
            KeyRecord current = record == null ? KeyRecord.empty(tiers) : record;
            KeyRecord next = change.apply(current);
            return next.isEmpty(ticker.read()) ? null : next;
          });
      if (updates.incrementAndGet() % SWEEP_EVERY == 0) {
        long now = ticker.read();
        // Conditional removal: a record updated meanwhile is not equal and stays.
        state.keys.entrySet().removeIf(entry -> entry.getValue().isEmpty(now));
      }
    } finally {
      state.lock.readLock().unlock();
    }
  }

  private CacheState state(Namespace namespace) {
    return caches.computeIfAbsent(namespace.cacheName(), name -> new CacheState());
  }

  /** The keys of one cache and the generation its keys start from after a clear. */
  private static final class CacheState {
    final Map<ByteKey, KeyRecord> keys = new ConcurrentHashMap<>();
    final java.util.concurrent.locks.ReadWriteLock lock =
        new java.util.concurrent.locks.ReentrantReadWriteLock();
    volatile long baseGeneration;

    long generation(KeyRecord record, long now) {
      long own = record.generation(now);
      return own != 0 ? own : baseGeneration;
    }
  }

  private long nextGeneration() {
    return generations.incrementAndGet();
  }

  private static long expiry(long now, Duration ttl) {
    return now + ttl.toNanos();
  }

  private static void checkTier(Namespace namespace, int tier) {
    if (tier >= namespace.tiers().size()) {
      throw new IllegalArgumentException("tier " + tier + " is not a tier of " + namespace.tiers());
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("InMemoryTierStore is closed");
    }
  }

  private static <T> CompletableFuture<T> run(java.util.concurrent.Callable<T> operation) {
    try {
      return CompletableFuture.completedFuture(operation.call());
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** A byte array with value equality, as a map key. */
  private record ByteKey(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ByteKey other && java.util.Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return ByteBuffer.wrap(bytes).toString();
    }
  }
}
