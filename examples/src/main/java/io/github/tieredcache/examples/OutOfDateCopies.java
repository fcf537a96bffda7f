package io.github.tieredcache.examples;

import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.InvalidationListener;
import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spi.Write;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link TierStore} that passes every call to another and counts, per tier, the lookups that
 * returned a copy the cache did not serve: it loaded the value instead and wrote it back.
 *
 * <p>Why: the cache judges a copy by its envelope, so a copy past its servable-until is a miss (the
 * value is loaded and the copy overwritten), but {@code cache.stats()} counts the lookup as a hit
 * of the tier the copy came from. The in-memory store hardly ever returns such copies, since it
 * expires them on the same simulated clock (only within the millisecond an envelope's instants
 * round away); Redis does all the time in a simulation, since it expires them in real time (see
 * {@link Simulation}). The report takes these counts off the tiers' hits, so its table says where
 * reads were answered.
 *
 * <p>How: a load's write ({@link #writeIfGeneration}) follows the lookup that missed, for the same
 * key, from the thread that leads that key's read (single flight). So a lookup that returned a copy
 * and is followed by a load's write of its key found a copy the cache did not serve. This follows
 * the cache's own decision; judging envelopes here, on a clock that other reader threads move on
 * meanwhile, would be a few reads off.
 */
final class OutOfDateCopies implements TierStore {

  private final TierStore delegate;
  private final Map<String, LongAdder> byTier = new ConcurrentHashMap<>();

  /** Per key, the tier of the copy the key's last lookup returned, until a write or promotion. */
  private final Map<ByteBuffer, String> returned = new ConcurrentHashMap<>();

  OutOfDateCopies(TierStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** Returns the lookups so far that returned a copy the cache did not serve, by tier name. */
  Map<String, Long> counts() {
    Map<String, Long> counts = new TreeMap<>();
    byTier.forEach((tier, n) -> counts.put(tier, n.sum()));
    return counts;
  }

  private Lookup looked(Namespace namespace, byte[] key, Lookup lookup) {
    ByteBuffer k = ByteBuffer.wrap(key.clone());
    if (lookup.isHit()) {
      returned.put(k, namespace.tiers().get(lookup.tier()));
    } else {
      returned.remove(k);
    }
    return lookup;
  }

  private void loaded(Write write) {
    String tier = returned.remove(ByteBuffer.wrap(write.key()));
    if (tier != null) {
      byTier.computeIfAbsent(tier, t -> new LongAdder()).increment();
    }
  }

  @Override
  public CompletableFuture<Lookup> read(Namespace namespace, byte[] key) {
    return delegate.read(namespace, key).thenApply(lookup -> looked(namespace, key, lookup));
  }

  @Override
  public CompletableFuture<List<Lookup>> readAll(Namespace namespace, List<byte[]> keys) {
    return delegate
        .readAll(namespace, keys)
        .thenApply(
            lookups -> {
              for (int i = 0; i < lookups.size(); i++) {
                looked(namespace, keys.get(i), lookups.get(i));
              }
              return lookups;
            });
  }

  @Override
  public CompletableFuture<Boolean> writeIfGeneration(Namespace namespace, Write write) {
    loaded(write);
    return delegate.writeIfGeneration(namespace, write);
  }

  @Override
  public CompletableFuture<List<Boolean>> writeAllIfGeneration(
      Namespace namespace, List<Write> writes) {
    writes.forEach(this::loaded);
    return delegate.writeAllIfGeneration(namespace, writes);
  }

  @Override
  public CompletableFuture<Boolean> promote(Namespace namespace, Write write) {
    returned.remove(ByteBuffer.wrap(write.key())); // served: a hit
    return delegate.promote(namespace, write);
  }

  @Override
  public CompletableFuture<Boolean> move(Namespace namespace, Write write, int from) {
    returned.remove(ByteBuffer.wrap(write.key())); // served: a hit
    return delegate.move(namespace, write, from);
  }

  @Override
  public CompletableFuture<Void> put(Namespace namespace, Write write) {
    return delegate.put(namespace, write);
  }

  @Override
  public CompletableFuture<Void> remove(Namespace namespace, byte[] key) {
    return delegate.remove(namespace, key);
  }

  @Override
  public CompletableFuture<Void> removeAll(Namespace namespace, List<byte[]> keys) {
    return delegate.removeAll(namespace, keys);
  }

  @Override
  public CompletableFuture<Void> clear(Namespace namespace) {
    return delegate.clear(namespace);
  }

  @Override
  public CompletableFuture<Void> publish(Namespace namespace, Invalidation message) {
    return delegate.publish(namespace, message);
  }

  @Override
  public AutoCloseable subscribe(Namespace namespace, InvalidationListener listener) {
    return delegate.subscribe(namespace, listener);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
