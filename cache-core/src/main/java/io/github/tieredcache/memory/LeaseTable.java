package io.github.tieredcache.memory;

import io.github.tieredcache.spi.Lease;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The load leases of an {@link InMemoryTierStore}, with the semantics of {@code TierStore.lease}: a
 * key's lease is held under a token until it ends, is released, or its holder writes; a write by a
 * holder leaves a "filled" marker that answers later requests "read again" for a short while. The
 * store calls it under its own lock, so a grant and a fenced write never interleave.
 *
 * <p>Not thread-safe by itself; times are ticker nanoseconds.
 */
final class LeaseTable {

  /** How long a "filled" marker lives when its write held no lease any more. */
  private static final long DEFAULT_MARKER_NANOS = 1_000_000_000L;

  /** A key's lease ({@code token != 0}) or filled marker ({@code token == 0}). */
  private record Entry(long token, long expiresAt) {}

  private record Key(String cache, byte[] key) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key other && cache.equals(other.cache) && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
      return 31 * cache.hashCode() + Arrays.hashCode(key);
    }
  }

  private final Map<Key, Entry> entries = new HashMap<>();

  /** Grants the lease under {@code token} for {@code nanos}, or says who has it. */
  Lease take(String cache, byte[] key, long token, long now, long nanos) {
    Key k = new Key(cache, key.clone());
    Entry entry = live(k, now);
    if (entry == null) {
      entries.put(k, new Entry(token, now + nanos));
      return Lease.granted(token);
    }
    if (entry.token() == 0) {
      return Lease.readAgain();
    }
    if (entry.token() == token) {
      return Lease.granted(token);
    }
    return Lease.held(Math.max(1, (entry.expiresAt() - now) / 1_000_000));
  }

  /** Whether a write under {@code token} may land: no other holder, and no other write since. */
  boolean mayWrite(String cache, byte[] key, long token, long now) {
    Entry entry = live(new Key(cache, key), now);
    return entry == null || entry.token() == token;
  }

  /** After a fenced write: the lease ends, and a marker lives for at most a quarter of the TTL. */
  void filled(String cache, byte[] key, long now, long ttlNanos) {
    Key k = new Key(cache, key.clone());
    Entry entry = live(k, now);
    long left = entry == null ? DEFAULT_MARKER_NANOS : entry.expiresAt() - now;
    long life = Math.max(1, Math.min(left, ttlNanos / 4));
    entries.put(k, new Entry(0, now + life));
  }

  /** Gives up the lease if it is held under {@code token}. */
  void release(String cache, byte[] key, long token, long now) {
    Key k = new Key(cache, key);
    Entry entry = live(k, now);
    if (entry != null && entry.token() == token) {
      entries.remove(k);
    }
  }

  /** Ends the key's lease or marker (a put or removal). */
  void end(String cache, byte[] key) {
    entries.remove(new Key(cache, key));
  }

  /** Ends every lease of a cache (a clear). */
  void endAll(String cache) {
    entries.keySet().removeIf(k -> k.cache().equals(cache));
  }

  private @Nullable Entry live(Key k, long now) {
    Entry entry = entries.get(k);
    if (entry != null && now - entry.expiresAt() >= 0) {
      entries.remove(k);
      return null;
    }
    return entry;
  }
}
