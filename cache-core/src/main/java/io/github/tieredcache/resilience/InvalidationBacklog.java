package io.github.tieredcache.resilience;

import io.github.tieredcache.spi.Namespace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The invalidations a {@link ResilientTierStore} could not deliver, in the order they failed, to be
 * replayed once the store is back.
 *
 * <p>An entry is either "remove this key of this namespace" or "clear this namespace". A clear
 * subsumes every removal of its namespace (it retires the whole namespace), so adding one drops
 * them, and a removal of a namespace already waiting for a clear is not added. Duplicates are kept
 * once.
 *
 * <p>Bound: at most {@code capacity} entries, plus one clear per namespace. A removal that finds
 * the backlog full turns into a clear of its namespace, which replaces that namespace's removals:
 * past the bound the backlog degrades to retiring whole namespaces, never to forgetting one.
 *
 * <p><b>Pending until settled.</b> An entry taken for replay stays pending (in flight) until the
 * replay {@linkplain #settled settles} or it is {@linkplain #putBack put back}, so {@link #covers}
 * answers for a key whose removal is being replayed too: its remote copies are still not to be
 * trusted.
 *
 * <p>Thread-safe: every method holds the backlog's lock for a short, allocation-light section;
 * {@link #covers} has a lock-free fast path while nothing is pending.
 */
final class InvalidationBacklog {

  private static final Logger log = LoggerFactory.getLogger(InvalidationBacklog.class);

  /** One pending invalidation; {@code key == null} means "clear the namespace". */
  record Entry(Namespace namespace, @Nullable Key key) {
    boolean isClear() {
      return key == null;
    }
  }

  /** A key's bytes with value equality. */
  record Key(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return bytes.length + " bytes";
    }
  }

  private final int capacity;
  private final Set<Entry> entries = new LinkedHashSet<>();
  private final Set<Entry> inFlight = new java.util.HashSet<>();
  private volatile int pending;
  private long overflows;

  InvalidationBacklog(int capacity) {
    this.capacity = capacity;
  }

  /** Adds the removal of {@code key} (copied) from {@code namespace}. */
  synchronized void addRemove(Namespace namespace, byte[] key) {
    addRemoveLocked(namespace, new Key(key.clone()));
  }

  /** Adds the removals of {@code keys} (copied) from {@code namespace}. */
  synchronized void addRemoves(Namespace namespace, Collection<byte[]> keys) {
    for (byte[] key : keys) {
      addRemoveLocked(namespace, new Key(key.clone()));
    }
  }

  /** Adds a clear of {@code namespace}, dropping its pending removals. */
  synchronized void addClear(Namespace namespace) {
    addClearLocked(namespace);
  }

  /** Puts entries taken by {@link #take} back, as if they had just failed. */
  synchronized void putBack(Collection<Entry> failed) {
    inFlight.removeAll(failed);
    for (Entry entry : failed) {
      if (entry.isClear()) {
        addClearLocked(entry.namespace());
      } else {
        addRemoveLocked(entry.namespace(), java.util.Objects.requireNonNull(entry.key()));
      }
    }
  }

  /** Takes up to {@code max} entries for replay, oldest first; they stay pending until settled. */
  synchronized List<Entry> take(int max) {
    List<Entry> taken = new ArrayList<>(Math.min(max, entries.size()));
    Iterator<Entry> it = entries.iterator();
    while (taken.size() < max && it.hasNext()) {
      Entry entry = it.next();
      taken.add(entry);
      inFlight.add(entry);
      it.remove();
    }
    recount();
    return taken;
  }

  /** Ends entries taken by {@link #take} whose replay succeeded (or that are dropped). */
  synchronized void settled(Collection<Entry> done) {
    inFlight.removeAll(done);
    recount();
  }

  /**
   * Returns whether an invalidation of {@code key} in {@code namespace} (or a clear of the
   * namespace) is pending or being replayed.
   */
  boolean covers(Namespace namespace, byte[] key) {
    if (pending == 0) {
      return false;
    }
    synchronized (this) {
      Entry clear = new Entry(namespace, null);
      Entry removal = new Entry(namespace, new Key(key));
      return entries.contains(clear)
          || inFlight.contains(clear)
          || entries.contains(removal)
          || inFlight.contains(removal);
    }
  }

  /** Returns whether anything of {@code namespace} is pending or being replayed. */
  boolean coversAny(Namespace namespace) {
    if (pending == 0) {
      return false;
    }
    synchronized (this) {
      for (Entry e : entries) {
        if (e.namespace().equals(namespace)) {
          return true;
        }
      }
      for (Entry e : inFlight) {
        if (e.namespace().equals(namespace)) {
          return true;
        }
      }
      return false;
    }
  }

  private void recount() {
    pending = entries.size() + inFlight.size();
  }

  /** Returns how many entries wait for a replay. */
  synchronized int size() {
    return entries.size();
  }

  /** Returns how many entries wait for a replay or are being replayed. */
  int pending() {
    return pending;
  }

  /** Returns whether nothing is pending. */
  synchronized boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Returns how many times a full backlog turned a removal into a clear. */
  synchronized long overflows() {
    return overflows;
  }

  private void addRemoveLocked(Namespace namespace, Key key) {
    if (entries.contains(new Entry(namespace, null))) {
      return; // a pending clear already covers it
    }
    Entry entry = new Entry(namespace, key);
    if (entries.contains(entry)) {
      return;
    }
    if (entries.size() >= capacity) {
      overflows++;
      log.warn(
          "Invalidation backlog is full ({} entries): cache '{}' will be cleared once its store is"
              + " back",
          capacity,
          namespace.cacheName());
      addClearLocked(namespace);
      return;
    }
    entries.add(entry);
    recount();
  }

  private void addClearLocked(Namespace namespace) {
    entries.removeIf(e -> e.namespace().equals(namespace));
    entries.add(new Entry(namespace, null));
    recount();
  }
}
