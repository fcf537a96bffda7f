package io.github.tieredcache.redis;

import static io.github.tieredcache.redis.RedisTierStore.millis;
import static io.github.tieredcache.redis.RedisTierStore.number;

import io.github.tieredcache.spi.Lease;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The load leases of a {@link RedisTierStore} ({@code TierStore.lease}): one key per cache key,
 * {@code P:C:{K}:#lease}, in the slot of the key's tiers and generation, holding the holder's token
 * (decimal) or, after the holder wrote, the marker {@code done}; each lives for the lease time at
 * most. Requests, releases and fenced writes are scripts ({@link Script#LEASE}, {@link
 * Script#RELEASE}, {@link Script#WRITE_LEASED}); {@code put} and {@code remove} delete the lease
 * key with the copies. Like the generation, a lease key has no epoch: a clear leaves it, and the
 * holder's write is then refused by its generation.
 *
 * <p>Thread-safe.
 */
final class LoadLeases {

  private final DataConnection data;
  private final Epochs epochs;

  LoadLeases(DataConnection data, Epochs epochs) {
    this.data = data;
    this.epochs = epochs;
  }

  CompletableFuture<Lease> lease(
      Namespaces.State ns, byte[] key, long seenGeneration, long token, Duration time) {
    if (token == 0) {
      throw new IllegalArgumentException("a lease token is never 0");
    }
    return epochs.at(
        ns.epoch,
        at -> {
          if (!Generations.inEpoch(seenGeneration, at.epoch())) {
            return CompletableFuture.completedFuture(Lease.readAgain()); // read before a clear
          }
          byte[][] keys = ns.layout.leaseKeys(key);
          byte[] counter = number(Generations.counter(seenGeneration));
          return data.callOnSlot(
                  keys[0],
                  c -> Script.LEASE.run(c, keys, counter, number(token), number(millis(time))))
              .thenApply(
                  r ->
                      r == 1L
                          ? Lease.granted(token)
                          : r == 0L ? Lease.readAgain() : Lease.held(-r));
        });
  }

  CompletableFuture<Void> release(Namespaces.State ns, byte[] key, long token) {
    byte[][] keys = {ns.layout.leaseKey(KeyLayout.escape(key))};
    return data.callOnSlot(keys[0], c -> Script.RELEASE.run(c, keys, number(token)))
        .thenApply(r -> null);
  }
}
