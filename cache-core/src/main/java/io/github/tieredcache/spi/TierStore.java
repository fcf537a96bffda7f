package io.github.tieredcache.spi;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Where the remote tiers of a cache keep their copies, as bytes.
 *
 * <p>A store keeps, per {@link Namespace} and encoded key, one copy per tier and a
 * <em>generation</em>: a number that {@link #put} and {@link #remove} advance, so that a load that
 * read generation {@code g} can write its value with {@link #writeIfGeneration} only while no
 * invalidation or put happened since. A generation need only live for {@link
 * Namespace#generationRetention()} after it last advanced; once it has expired, it reads as {@code
 * 0} again.
 *
 * <p>Every operation is asynchronous and never blocks the caller; a failure completes the returned
 * future exceptionally and the cache treats it as a miss (reads) or retries it later (writes). Two
 * namespaces never see each other's keys. Implementations are thread-safe.
 *
 * <p><b>Time.</b> The store is the one owner of the time a remote call may take: every returned
 * future completes, normally or exceptionally, within the store's own timeout (a Redis store's
 * command timeout), and neither the cache nor a decorator such as {@code ResilientTierStore} adds a
 * second one. A write whose future failed with a timeout must never change data later: the store
 * cancels it before it is sent, or fences it (a Redis store refuses, inside the script, a write
 * that reaches the server after its deadline). A late removal may still happen; it only costs a
 * miss.
 *
 * <p>The contract is fixed by {@code TierStoreContract} in cache-core's test-jar, which every
 * implementation's tests extend.
 */
public interface TierStore extends AutoCloseable {

  /**
   * Reads every tier of {@code key} and the key's generation, in one round trip where the store
   * allows it, and answers every copy held (one slot per tier of the namespace).
   */
  CompletableFuture<Lookup> read(Namespace namespace, byte[] key);

  /**
   * Reads many keys; the answer lists one lookup per key, in the order of {@code keys}. A store
   * made of parts (the shards of a cluster) may answer {@code null} for the keys of a part that
   * failed (see {@link ShardUnavailableException}) and read the others; the caller treats those
   * keys as a failed read. The call itself fails when nothing could be read.
   */
  CompletableFuture<List<@Nullable Lookup>> readAll(Namespace namespace, List<byte[]> keys);

  /**
   * Writes {@code write.copy()} into its tier, removing the key's copies in the namespace's other
   * tiers, but only while the key's generation is still {@code write.expectedGeneration()}.
   * Completes with whether the store accepted the write; {@code true} does not promise that every
   * reader sees it, since a concurrent {@link #clear} by another instance may already hide it.
   */
  CompletableFuture<Boolean> writeIfGeneration(Namespace namespace, Write write);

  /**
   * Asks for the key's load lease: one loader of the fleet per key at a time. Grants it under
   * {@code token} for {@code time} when no other loader holds it and the key's generation is still
   * {@code seenGeneration}; answers {@link Lease.State#HELD} while another loader holds it, and
   * {@link Lease.State#READ_AGAIN} when the key moved or a lease holder wrote it since that read.
   *
   * <p>A conditional write whose {@link Write#leaseToken()} is set is then fenced: the store
   * refuses it once another loader holds the lease, or a holder wrote, under another token; when it
   * writes, the lease ends and later requests answer {@code READ_AGAIN} for a short while (less
   * than the copy's TTL), so an instance whose read missed just before the write does not load
   * again. {@link #put} and {@link #remove} end the key's lease. The default keeps no leases and
   * answers {@link Lease#NONE}.
   *
   * @param token the caller's token, unique across the fleet and never {@code 0}
   * @param time how long the lease lasts unless the holder writes or gives it up first
   */
  default CompletableFuture<Lease> lease(
      Namespace namespace, byte[] key, long seenGeneration, long token, Duration time) {
    return CompletableFuture.completedFuture(Lease.NONE);
  }

  /**
   * Gives up the key's lease if it is still held under {@code token} (the holder's load failed or
   * wrote nothing); later requests may be granted at once. The default does nothing.
   */
  default CompletableFuture<Void> releaseLease(Namespace namespace, byte[] key, long token) {
    return CompletableFuture.completedFuture(null);
  }

  /** Bulk form of {@link #writeIfGeneration}; the answer lists one outcome per write, in order. */
  CompletableFuture<List<Boolean>> writeAllIfGeneration(Namespace namespace, List<Write> writes);

  /**
   * Copies a key into a hotter tier: writes only while that tier holds no copy of the key and the
   * generation is still {@code write.expectedGeneration()}, so a promotion never overwrites a newer
   * copy. Other tiers are left as they are. Completes with whether the write happened.
   */
  CompletableFuture<Boolean> promote(Namespace namespace, Write write);

  /**
   * Moves a key into a hotter tier: writes as {@link #promote} does and, when it writes, removes
   * the key's copy in tier {@code from} in the same atomic step, so a promoted key holds one copy,
   * not two. Completes with whether the write happened (when it did not, {@code from} is left
   * alone). The default promotes and leaves {@code from} alone (a store written before moving
   * existed copies); both stores of this library move.
   *
   * @param from the tier the copy was read from, colder than {@code write.tier()}
   */
  default CompletableFuture<Boolean> move(Namespace namespace, Write write, int from) {
    return promote(namespace, write);
  }

  /**
   * Writes {@code write.copy()} into its tier unconditionally, removes the key's copies in the
   * other tiers, and advances the key's generation; {@code write.expectedGeneration()} is ignored.
   */
  CompletableFuture<Void> put(Namespace namespace, Write write);

  /** Removes the key's copies in every tier of the namespace and advances its generation. */
  CompletableFuture<Void> remove(Namespace namespace, byte[] key);

  /** Bulk form of {@link #remove}. */
  CompletableFuture<Void> removeAll(Namespace namespace, List<byte[]> keys);

  /**
   * Removes every copy of every key of the namespace, and no other namespace's keys; a load that
   * read a generation before the clear must not be able to write afterwards.
   */
  CompletableFuture<Void> clear(Namespace namespace);

  /** Publishes an invalidation message to every subscriber of the namespace's cache. */
  CompletableFuture<Void> publish(Namespace namespace, Invalidation message);

  /**
   * Subscribes to the invalidation messages of the namespace's cache. The listener's {@link
   * InvalidationListener#onSubscribed()} is called once the subscription is active and again after
   * every resubscription.
   *
   * @return a handle whose {@code close()} ends the subscription
   */
  AutoCloseable subscribe(Namespace namespace, InvalidationListener listener);

  /** Releases the store's resources. Operations after close fail. */
  @Override
  void close();
}
