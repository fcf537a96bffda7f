package io.github.tieredcache.internal;

import io.github.tieredcache.Tier;
import io.github.tieredcache.Tiers;
import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.InvalidationListener;
import io.github.tieredcache.spi.Lease;
import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.ShardUnavailableException;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spi.Write;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote tiers of one cache, grouped by the store that holds them.
 *
 * <p><b>One round trip per store, stores in parallel.</b> Tiers that share a store form a group
 * with a namespace of their own; a read asks every group at once, one {@link TierStore#read} each
 * (on Redis one {@code MGET} of the key's tiers and generation), and completes when all have
 * answered. Tiers on different stores are therefore never asked one after another.
 *
 * <p><b>Failure stays local.</b> A group that fails (or is refused by an open breaker) reports no
 * copies and an unknown generation; the other groups' answers stand. Nothing here ever fails: every
 * future completes normally, a failed call is counted in {@code cache.remote.errors} and logged at
 * debug level, and a write that could not be made reports so. How long a call may take is the
 * store's to bound (see {@link TierStore}); nothing here adds a timeout.
 *
 * <p><b>Generations per group.</b> Each group's store keeps its own generation of the key, and a
 * load's write goes to one group only, conditional on the generation that group reported. A write
 * to a group whose generation is unknown is skipped.
 *
 * <p>Thread-safe; immutable after construction.
 */
final class RemoteTiers {

  private static final Logger log = LoggerFactory.getLogger(RemoteTiers.class);

  /** The outcome of a conditional write. */
  enum Outcome {
    /** The store wrote the copy. */
    WRITTEN,
    /** The key's generation moved since the read: an invalidation or put came first. */
    REFUSED,
    /** The store failed or the read that the write depends on did. */
    FAILED,
    /** Nothing to write remotely (a value above the size bound). */
    SKIPPED
  }

  /** The tiers one store holds: its namespace and the cache-wide index of each of its tiers. */
  private record Group(TierStore store, Namespace namespace, int[] tiers) {}

  /**
   * What the remote tiers answered for one key: each group's lookup, or {@code null} where the
   * group failed.
   */
  final class Read {
    private final @Nullable Lookup[] lookups;

    private Read(@Nullable Lookup[] lookups) {
      this.lookups = lookups;
    }

    /** Returns how many tiers the cache has. */
    int tierCount() {
      return groupOfTier.length;
    }

    /** Returns the copy of cache-wide tier {@code tier}, or {@code null}. */
    byte @Nullable [] copy(int tier) {
      Lookup lookup = lookups[groupOfTier[tier]];
      return lookup == null ? null : lookup.copy(indexInGroup[tier]);
    }

    /** Returns whether the group holding cache-wide tier {@code tier} answered. */
    boolean answered(int tier) {
      return lookups[groupOfTier[tier]] != null;
    }

    /** Returns whether any group failed. */
    boolean failedAnywhere() {
      for (Lookup lookup : lookups) {
        if (lookup == null) {
          return true;
        }
      }
      return false;
    }
  }

  private final Group[] groups;
  private final int[] groupOfTier;
  private final int[] indexInGroup;
  private final StatsRecorder stats;
  private final String cacheName;
  private volatile @Nullable Timer latency;
  private volatile Runnable onFailure = () -> {};

  RemoteTiers(
      String cacheName,
      Tiers tiers,
      TierStore defaultStore,
      Duration generationRetention,
      StatsRecorder stats) {
    this.cacheName = cacheName;
    this.stats = stats;
    Map<TierStore, List<Integer>> byStore = new IdentityHashMap<>();
    List<TierStore> order = new ArrayList<>();
    for (int i = 0; i < tiers.size(); i++) {
      Tier tier = tiers.get(i);
      TierStore store = tier.store() == null ? defaultStore : tier.store();
      if (!byStore.containsKey(store)) {
        order.add(store);
      }
      byStore.computeIfAbsent(store, s -> new ArrayList<>()).add(i);
    }
    this.groups = new Group[order.size()];
    this.groupOfTier = new int[tiers.size()];
    this.indexInGroup = new int[tiers.size()];
    for (int g = 0; g < order.size(); g++) {
      List<Integer> members = java.util.Objects.requireNonNull(byStore.get(order.get(g)));
      List<String> names = new ArrayList<>();
      int[] indexes = new int[members.size()];
      for (int j = 0; j < members.size(); j++) {
        int tier = members.get(j);
        indexes[j] = tier;
        names.add(tiers.get(tier).name());
        groupOfTier[tier] = g;
        indexInGroup[tier] = j;
      }
      groups[g] =
          new Group(order.get(g), new Namespace(cacheName, names, generationRetention), indexes);
    }
  }

  /** Calls {@code listener} after every failed remote call from now on. */
  void onFailure(Runnable listener) {
    this.onFailure = listener;
  }

  /** Times every remote call with {@code timer} from now on. */
  void timeWith(@Nullable Timer timer) {
    this.latency = timer;
  }

  // ------------------------------------------------------------------------------------ reads

  /** Reads every tier of {@code key}; never fails. */
  CompletableFuture<Read> read(byte[] key) {
    long start = System.nanoTime();
    if (groups.length == 1) {
      Group g = groups[0];
      return guarded(() -> g.store().read(g.namespace(), key))
          .handle(
              (lookup, error) -> {
                timed(start);
                return new Read(new Lookup[] {error == null ? lookup : failed(error, null)});
              });
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<Lookup>[] calls = new CompletableFuture[groups.length];
    for (int g = 0; g < groups.length; g++) {
      Group group = groups[g];
      calls[g] = guarded(() -> group.store().read(group.namespace(), key));
    }
    return CompletableFuture.allOf(calls)
        .handle(
            (ignored, error) -> {
              timed(start);
              Lookup[] lookups = new Lookup[groups.length];
              for (int g = 0; g < groups.length; g++) {
                lookups[g] = answer(calls[g]);
              }
              return new Read(lookups);
            });
  }

  /** Reads many keys, one call per store; never fails. The answer is in the order of keys. */
  CompletableFuture<List<Read>> readAll(List<byte[]> keys) {
    long start = System.nanoTime();
    @SuppressWarnings("unchecked")
    CompletableFuture<List<Lookup>>[] calls = new CompletableFuture[groups.length];
    for (int g = 0; g < groups.length; g++) {
      Group group = groups[g];
      calls[g] = guarded(() -> group.store().readAll(group.namespace(), keys));
    }
    return CompletableFuture.allOf(calls)
        .handle(
            (ignored, error) -> {
              timed(start);
              @Nullable List<Lookup>[] perGroup = perGroup(calls);
              for (List<Lookup> answers : perGroup) {
                if (answers != null && hasGaps(answers)) {
                  // A shard of the store failed: its keys count as a failed read, the rest as read.
                  failed(
                      new ShardUnavailableException("a shard failed; its keys were not read"),
                      null);
                }
              }
              List<Read> reads = new ArrayList<>(keys.size());
              for (int i = 0; i < keys.size(); i++) {
                Lookup[] lookups = new Lookup[groups.length];
                for (int g = 0; g < groups.length; g++) {
                  List<Lookup> answers = perGroup[g];
                  lookups[g] = answers == null ? null : answers.get(i);
                }
                reads.add(new Read(lookups));
              }
              return reads;
            });
  }

  /** Whether a store answered {@code null} for some keys (List.of refuses contains(null)). */
  private static boolean hasGaps(List<Lookup> answers) {
    for (Lookup lookup : answers) {
      if (lookup == null) {
        return true;
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  private @Nullable List<Lookup>[] perGroup(CompletableFuture<List<Lookup>>[] calls) {
    @Nullable List<Lookup>[] answers = new List[calls.length];
    for (int g = 0; g < calls.length; g++) {
      answers[g] = answer(calls[g]);
    }
    return answers;
  }

  private <T> @Nullable T answer(CompletableFuture<T> call) {
    return call.handle((value, error) -> error == null ? value : this.<T>failed(error, null))
        .join();
  }

  // ----------------------------------------------------------------------------- conditional

  /**
   * Writes {@code placed} to its tier's group at the generation {@code read} saw there, fenced by
   * the key's load lease held under {@code leaseToken} (0: none) where that group keeps the lease
   * (see {@link #fences}); never fails.
   */
  CompletableFuture<Outcome> writeIfGeneration(
      byte[] key, Read read, Copies.Placed placed, long leaseToken) {
    byte[] copy = placed.copy();
    if (copy == null) {
      return CompletableFuture.completedFuture(Outcome.SKIPPED);
    }
    int g = groupOfTier[placed.tier()];
    Lookup seen = read.lookups[g];
    if (seen == null) {
      return CompletableFuture.completedFuture(Outcome.FAILED);
    }
    Group group = groups[g];
    Write write =
        new Write(
            key,
            indexInGroup[placed.tier()],
            copy,
            placed.ttl(),
            seen.generation(),
            g == 0 ? leaseToken : 0);
    long start = System.nanoTime();
    return guarded(() -> group.store().writeIfGeneration(group.namespace(), write))
        .handle(
            (written, error) -> {
              timed(start);
              if (error != null) {
                return failed(error, Outcome.FAILED);
              }
              return Boolean.TRUE.equals(written) ? Outcome.WRITTEN : Outcome.REFUSED;
            });
  }

  /**
   * Writes many loaded values, one bulk call per group, each at the generation its read saw; the
   * answer is in the order of {@code keys}. Never fails.
   */
  CompletableFuture<List<Outcome>> writeAllIfGeneration(
      List<byte[]> keys, List<Read> reads, List<Copies.Placed> placed) {
    Outcome[] outcomes = new Outcome[keys.size()];
    List<List<Integer>> byGroup = new ArrayList<>(groups.length);
    for (int g = 0; g < groups.length; g++) {
      byGroup.add(new ArrayList<>());
    }
    for (int i = 0; i < keys.size(); i++) {
      Copies.Placed p = placed.get(i);
      if (p.copy() == null) {
        outcomes[i] = Outcome.SKIPPED;
      } else if (reads.get(i).lookups[groupOfTier[p.tier()]] == null) {
        outcomes[i] = Outcome.FAILED;
      } else {
        byGroup.get(groupOfTier[p.tier()]).add(i);
      }
    }
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (int g = 0; g < groups.length; g++) {
      List<Integer> members = byGroup.get(g);
      if (members.isEmpty()) {
        continue;
      }
      Group group = groups[g];
      int gi = g;
      List<Write> writes = new ArrayList<>(members.size());
      for (int i : members) {
        Copies.Placed p = placed.get(i);
        Lookup seen = reads.get(i).lookups[gi];
        writes.add(
            new Write(
                keys.get(i),
                indexInGroup[p.tier()],
                java.util.Objects.requireNonNull(p.copy()),
                p.ttl(),
                seen == null ? 0 : seen.generation()));
      }
      long start = System.nanoTime();
      calls.add(
          guarded(() -> group.store().writeAllIfGeneration(group.namespace(), writes))
              .handle(
                  (written, error) -> {
                    timed(start);
                    if (error != null) {
                      failed(error, null);
                    }
                    for (int j = 0; j < members.size(); j++) {
                      outcomes[members.get(j)] =
                          error != null
                              ? Outcome.FAILED
                              : Boolean.TRUE.equals(written.get(j))
                                  ? Outcome.WRITTEN
                                  : Outcome.REFUSED;
                    }
                    return null;
                  }));
    }
    return CompletableFuture.allOf(calls.toArray(CompletableFuture<?>[]::new))
        .thenApply(done -> List.of(outcomes));
  }

  /**
   * Copies a key into a hotter tier at the generation {@code read} saw there, in the background;
   * with {@code moving}, and tier {@code from} on the same store, the copy in {@code from} is
   * removed with the write. Completes with whether it was written. Never fails.
   */
  CompletableFuture<Boolean> promote(
      byte[] key, Read read, Copies.Placed placed, int from, boolean moving) {
    int g = groupOfTier[placed.tier()];
    Lookup seen = read.lookups[g];
    byte[] copy = placed.copy();
    if (seen == null || copy == null) {
      return CompletableFuture.completedFuture(false);
    }
    Group group = groups[g];
    Write write =
        new Write(key, indexInGroup[placed.tier()], copy, placed.ttl(), seen.generation());
    long start = System.nanoTime();
    boolean move = moving && groupOfTier[from] == g;
    return guarded(
            () ->
                move
                    ? group.store().move(group.namespace(), write, indexInGroup[from])
                    : group.store().promote(group.namespace(), write))
        .handle(
            (written, error) -> {
              timed(start);
              return error == null ? Boolean.TRUE.equals(written) : failed(error, false);
            });
  }

  // ---------------------------------------------------------------------------------- leases

  /**
   * Asks the store of the hottest tier for the key's load lease at the generation {@code read} saw
   * there (see {@link TierStore#lease}). Never fails: a failed call, or a read that failed there,
   * answers {@link Lease#NONE}.
   */
  CompletableFuture<Lease> lease(byte[] key, Read read, long token, Duration time) {
    Lookup seen = read.lookups[0];
    if (seen == null) {
      return CompletableFuture.completedFuture(Lease.NONE);
    }
    Group g = groups[0];
    long start = System.nanoTime();
    return guarded(() -> g.store().lease(g.namespace(), key, seen.generation(), token, time))
        .handle(
            (lease, error) -> {
              timed(start);
              return error == null ? lease : failed(error, Lease.NONE);
            });
  }

  /** Whether a write to {@code tier} is fenced by the lease (its store keeps the lease). */
  boolean fences(int tier) {
    return groupOfTier[tier] == 0;
  }

  /** Gives up the key's lease held under {@code token}. Never fails. */
  CompletableFuture<Void> releaseLease(byte[] key, long token) {
    Group g = groups[0];
    return settle(() -> g.store().releaseLease(g.namespace(), key, token), true)
        .thenApply(ok -> null);
  }

  // --------------------------------------------------------------------------- invalidating

  /**
   * Writes {@code placed} to its tier unconditionally and removes the key from every other group;
   * completes when every group answered, with whether the copy was written. Never fails.
   */
  CompletableFuture<Boolean> put(byte[] key, Copies.Placed placed) {
    int target = groupOfTier[placed.tier()];
    byte[] copy = placed.copy();
    @SuppressWarnings("unchecked")
    CompletableFuture<Boolean>[] calls = new CompletableFuture[groups.length];
    for (int g = 0; g < groups.length; g++) {
      Group group = groups[g];
      if (g == target && copy != null) {
        Write write = new Write(key, indexInGroup[placed.tier()], copy, placed.ttl(), 0);
        calls[g] = settle(() -> group.store().put(group.namespace(), write), true);
      } else {
        calls[g] = settle(() -> group.store().remove(group.namespace(), key), false);
      }
    }
    return CompletableFuture.allOf(calls).thenApply(done -> calls[target].join());
  }

  /** Removes the key from every tier; completes when every group answered. Never fails. */
  CompletableFuture<Void> remove(byte[] key) {
    return each(g -> g.store().remove(g.namespace(), key));
  }

  /** Removes the keys from every tier; completes when every group answered. Never fails. */
  CompletableFuture<Void> removeAll(List<byte[]> keys) {
    return each(g -> g.store().removeAll(g.namespace(), keys));
  }

  /** Removes every key of the cache from every tier. Never fails. */
  CompletableFuture<Void> clear() {
    return each(g -> g.store().clear(g.namespace()));
  }

  /** Publishes an invalidation message on the first group's store. Never fails. */
  CompletableFuture<Void> publish(Invalidation message) {
    Group g = groups[0];
    return settle(() -> g.store().publish(g.namespace(), message), true).thenApply(ok -> null);
  }

  /** Subscribes to the cache's invalidation messages on the first group's store. */
  AutoCloseable subscribe(InvalidationListener listener) {
    Group g = groups[0];
    return g.store().subscribe(g.namespace(), listener);
  }

  // ------------------------------------------------------------------------------- plumbing

  private CompletableFuture<Void> each(
      java.util.function.Function<Group, CompletableFuture<Void>> call) {
    CompletableFuture<?>[] calls = new CompletableFuture<?>[groups.length];
    for (int g = 0; g < groups.length; g++) {
      Group group = groups[g];
      calls[g] = settle(() -> call.apply(group), true);
    }
    return CompletableFuture.allOf(calls);
  }

  /** Runs a call, timed; completes with {@code ok} on success and false on failure (counted). */
  private CompletableFuture<Boolean> settle(
      Supplier<? extends CompletableFuture<?>> call, boolean ok) {
    long start = System.nanoTime();
    CompletableFuture<?> started;
    try {
      started = call.get();
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    return started.handle(
        (done, error) -> {
          timed(start);
          return error == null ? ok : failed(error, false);
        });
  }

  /** Calls the store, turning a synchronous throw into a failed future. */
  private static <T> CompletableFuture<T> guarded(Supplier<CompletableFuture<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void timed(long start) {
    Timer timer = latency;
    if (timer != null) {
      timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  private <T> @Nullable T failed(Throwable error, @Nullable T answer) {
    stats.remoteError();
    onFailure.run();
    log.debug("cache '{}': a remote operation failed", cacheName, error);
    return answer;
  }
}
