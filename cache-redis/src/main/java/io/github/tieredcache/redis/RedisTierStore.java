package io.github.tieredcache.redis;

import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.InvalidationListener;
import io.github.tieredcache.spi.Lease;
import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spi.Write;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TierStore} on Redis Cluster or standalone Redis, through one Lettuce client.
 *
 * <pre>{@code
 * RedisTierStore store = RedisTierStore.cluster("redis://10.0.0.1:6379", "redis://10.0.0.2:6379")
 *     .options(o -> o.keyPrefix("shop"))
 *     .build();
 * TierStore guarded = ResilientTierStore.wrap(store); // a breaker, an invalidation backlog
 * }</pre>
 *
 * <p><b>Keys.</b> See {@link KeyLayout}: every tier of a key and its generation share one hash tag,
 * so they live in one slot on one node, whatever bytes the key holds.
 *
 * <p><b>One round trip per read.</b> {@link #read} is one {@code MGET} of every tier's key and the
 * generation key on the node owning the slot (no script, no {@code TTL}: the copy's envelope says
 * when it expires). {@link #readAll} on a cluster sends one {@code MGET} per slot, each node's
 * written to its connection together and flushed once (see {@link NodeBursts}): one burst per node
 * whatever the number of keys, with a slot redirected by a resharding asked again through the
 * cluster connection; on one server, one {@code MGET} of everything.
 *
 * <p><b>Writes</b> are Lua scripts (see {@link Script}), each on one slot, run by {@code EVALSHA}
 * with an {@code EVAL} fallback when a node lost its script cache. Copies are stored with {@code
 * PX} = the write's TTL; the generation with {@code PEXPIRE} = the namespace's generation
 * retention.
 *
 * <p><b>Time.</b> This store owns the time a call may take: every command times out after {@link
 * RedisTierStoreOptions#commandTimeout()} (Lettuce's own command timeout; nothing above adds
 * another). A command that timed out before it was written is never written (Lettuce skips
 * completed commands). One that was written but not yet run (the node is stopped) could still run
 * when the node resumes, so every write of a copy carries a deadline, now plus the command timeout
 * plus {@link RedisTierStoreOptions#clockSkewAllowance()}, which the script checks against Redis's
 * own clock before it changes anything; past it the write is refused there and fails here with a
 * {@link LateWriteException}.
 *
 * <p><b>Generations and epochs: how a stale load is kept out.</b> A key's generation counter is
 * advanced by {@code put} and {@code remove} and checked by a load's write; a {@code clear} moves
 * the cache's epoch, which names every copy's key. See {@link Epochs} for how the epoch is kept
 * current and what that bounds.
 *
 * <p><b>Connections.</b> One data connection and, on first subscription, one pub/sub connection,
 * made on first use; while Redis is unreachable operations fail fast and the connection is tried
 * again at most every {@link RedisTierStoreOptions#maxReconnectDelay()}. A client the store creates
 * rejects commands while disconnected, bounds its request queue, times commands out after {@link
 * RedisTierStoreOptions#commandTimeout()}, and (cluster) refreshes its topology periodically and on
 * every adaptive trigger.
 *
 * <p>Thread-safe. Operations never block; their futures complete on Lettuce threads, so callers
 * must not block inside dependent stages either.
 */
public final class RedisTierStore implements TierStore {

  private static final Logger log = LoggerFactory.getLogger(RedisTierStore.class);
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final RedisTierStoreOptions options;
  private final DataConnection data;
  private final Subscriptions subscriptions;
  private final Epochs epochs;
  private final EpochSweeper sweeper;
  private final Namespaces namespaces;
  private final Runnable release;
  private final Deadlines deadlines;
  private final Publishing publishing;
  private final LoadLeases leases;
  private volatile boolean closed;

  RedisTierStore(
      RedisTierStoreOptions options,
      Supplier<? extends CompletionStage<DataConnection.Data>> connectData,
      Supplier<? extends CompletionStage<? extends StatefulRedisPubSubConnection<byte[], byte[]>>>
          connectPubSub,
      ScheduledExecutorService scheduler,
      Function<Consumer<String>, Runnable> watchFailovers,
      TopologyRefresh topology,
      Runnable release) {
    this.options = options;
    this.deadlines = new Deadlines(options);
    long retry = options.maxReconnectDelay().toNanos();
    @Nullable String user = options.username();
    this.data = new DataConnection(connectData, user, retry, topology);
    this.publishing = new Publishing(data);
    this.subscriptions =
        new Subscriptions(
            () -> DataConnection.explained(connectPubSub.get(), user), scheduler, retry, topology);
    this.epochs = new Epochs(data, scheduler, options.epochRefreshInterval().toNanos());
    this.namespaces = new Namespaces(options.keyPrefix(), epochs);
    this.sweeper = new EpochSweeper(data, scheduler);
    this.leases = new LoadLeases(data, epochs);
    Runnable stopWatching = watchFailovers.apply(this::failedOver);
    this.release =
        () -> {
          stopWatching.run();
          release.run();
        };
    // Connect now, in the background, so the first operation finds the connection made.
    data.connect()
        .whenComplete(
            (d, error) -> {
              Throwable cause =
                  error instanceof CompletionException && error.getCause() != null
                      ? error.getCause()
                      : error;
              if (cause instanceof RedisAuthenticationException
                  || cause instanceof RedisTlsException) {
                log.error("{}; will retry on use", cause.getMessage());
              } else if (error != null) {
                log.warn("Redis is not reachable yet; will retry on use: {}", error.toString());
              }
            });
  }

  // ---------------------------------------------------------------- factories

  /** Starts a builder for a Redis Cluster reached through the given seed URIs. */
  public static RedisTierStoreBuilder cluster(String... uris) {
    return builder().cluster(uris);
  }

  /** Starts a builder for a standalone Redis at {@code uri}. */
  public static RedisTierStoreBuilder standalone(String uri) {
    return builder().standalone(uri);
  }

  /**
   * Starts an empty builder; set a target with {@code cluster}, {@code standalone} or {@code
   * client}.
   */
  public static RedisTierStoreBuilder builder() {
    return new RedisTierStoreBuilder();
  }

  /** Starts a builder on the caller's cluster client, which the store never shuts down. */
  public static RedisTierStoreBuilder using(RedisClusterClient client) {
    return builder().client(client);
  }

  /** Starts a builder on the caller's client and URI, which the store never shuts down. */
  public static RedisTierStoreBuilder using(RedisClient client, RedisURI uri) {
    return builder().client(client, uri);
  }

  /**
   * Returns the primaries of the cluster whose calls fail now, as {@code host:port}: their keys go
   * to the loader while the others serve (see {@link ShardGuard}). Empty when every primary serves,
   * on one server, and before the store has connected. For health and dashboards.
   */
  public List<String> failingPrimaries() {
    return data.failingPrimaries();
  }

  /** Returns the options this store was built with. */
  public RedisTierStoreOptions options() {
    return options;
  }

  // ---------------------------------------------------------------- reads

  @Override
  public CompletableFuture<Lookup> read(Namespace namespace, byte[] key) {
    Objects.requireNonNull(key, "key");
    Namespaces.State ns = state(namespace);
    Epochs.At at = ns.epoch.current;
    return at != null
        ? readAt(ns, at, key)
        : epochs.first(ns.epoch).thenCompose(first -> readAt(ns, first, key));
  }

  /**
   * One {@code MGET} of the key's tiers and generation, all of one slot, through that slot's
   * primary's breaker; a slot being moved is retried, never failed (see {@link SlotReads}).
   */
  private CompletableFuture<Lookup> readAt(Namespaces.State ns, Epochs.At at, byte[] key) {
    int tiers = ns.layout.tierCount();
    byte[][] keys = new byte[tiers + 1][];
    ns.layout.readKeys(at.segment(), key, keys, 0);
    return data.callOnSlot(keys[0], c -> SlotReads.mget(c, keys))
        .thenApply(values -> lookup(values, 0, tiers, at.epoch()));
  }

  @Override
  public CompletableFuture<List<Lookup>> readAll(Namespace namespace, List<byte[]> keys) {
    Objects.requireNonNull(keys, "keys");
    keys.forEach(k -> Objects.requireNonNull(k, "key"));
    Namespaces.State ns = state(namespace);
    if (keys.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return epochs.at(
        ns.epoch,
        at -> {
          int tiers = ns.layout.tierCount();
          int width = tiers + 1;
          // Each key's tier keys and generation key, made once for either path.
          List<byte[][]> lookupKeys = new ArrayList<>(keys.size());
          for (byte[] key : keys) {
            byte[][] mine = new byte[width][];
            ns.layout.readKeys(at.segment(), key, mine, 0);
            lookupKeys.add(mine);
          }
          return data.onData(
              d -> {
                // A cluster: one MGET per slot, one burst (one flush) per node, a failing node's
                // keys answered null (unavailable); one server: one MGET of everything.
                CompletableFuture<List<@Nullable List<byte[]>>> answers =
                    d.connection() instanceof StatefulRedisClusterConnection<byte[], byte[]> c
                        ? NodeBursts.mget(c, lookupKeys, data.shards())
                        : NodeBursts.mgetOnOneServer(d.commands(), lookupKeys);
                return answers.thenApply(
                    found -> {
                      List<Lookup> lookups = new ArrayList<>(found.size());
                      for (List<byte[]> answer : found) {
                        lookups.add(answer == null ? null : lookup(answer, 0, tiers, at.epoch()));
                      }
                      return lookups;
                    });
              });
        });
  }

  /** The lookup in {@code values} from {@code offset}: one value per tier, then the generation. */
  private static Lookup lookup(List<byte[]> values, int offset, int tiers, long epoch) {
    long counter = Generations.parseCounter(values.get(offset + tiers));
    byte[][] copies = new byte[tiers][];
    for (int tier = 0; tier < tiers; tier++) {
      copies[tier] = values.get(offset + tier);
    }
    return Lookup.of(copies, Generations.of(epoch, counter));
  }

  // ---------------------------------------------------------------- conditional writes

  @Override
  public CompletableFuture<Boolean> writeIfGeneration(Namespace namespace, Write write) {
    Namespaces.State ns = state(namespace);
    ns.checkTier(write);
    return epochs.at(ns.epoch, at -> conditional(ns, at, write, Script.WRITE_IF_GENERATION, -1));
  }

  @Override
  public CompletableFuture<List<Boolean>> writeAllIfGeneration(
      Namespace namespace, List<Write> writes) {
    Namespaces.State ns = state(namespace);
    writes.forEach(ns::checkTier);
    if (writes.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return epochs.at(
        ns.epoch,
        at -> {
          List<CompletableFuture<Boolean>> outcomes = new ArrayList<>(writes.size());
          for (Write write : writes) {
            outcomes.add(conditional(ns, at, write, Script.WRITE_IF_GENERATION, -1));
          }
          return CompletableFuture.allOf(outcomes.toArray(CompletableFuture<?>[]::new))
              .thenApply(v -> outcomes.stream().map(CompletableFuture::join).toList());
        });
  }

  @Override
  public CompletableFuture<Boolean> promote(Namespace namespace, Write write) {
    return promote(namespace, write, -1);
  }

  @Override
  public CompletableFuture<Boolean> move(Namespace namespace, Write write, int from) {
    if (from <= write.tier() || from >= namespace.tiers().size()) {
      throw new IllegalArgumentException(
          "move: tier " + from + " is not a tier colder than tier " + write.tier());
    }
    return promote(namespace, write, from);
  }

  /** Promotes {@code write}, removing tier {@code from}'s copy with the write (unless -1). */
  private CompletableFuture<Boolean> promote(Namespace namespace, Write write, int from) {
    Namespaces.State ns = state(namespace);
    ns.checkTier(write);
    return epochs.at(ns.epoch, at -> conditional(ns, at, write, Script.PROMOTE, from));
  }

  private CompletableFuture<Boolean> conditional(
      Namespaces.State ns, Epochs.At at, Write write, Script script, int from) {
    if (!Generations.inEpoch(write.expectedGeneration(), at.epoch())) {
      return CompletableFuture.completedFuture(false); // read before a clear
    }
    boolean leased = script == Script.WRITE_IF_GENERATION && write.leaseToken() != 0;
    byte[][] keys =
        script == Script.PROMOTE
            ? ns.layout.promoteKeys(at.segment(), write.key(), write.tier(), from)
            : leased
                ? ns.layout.leasedWriteKeys(at.segment(), write.key(), write.tier())
                : ns.layout.writeKeys(at.segment(), write.key(), write.tier());
    byte[] counter = number(Generations.counter(write.expectedGeneration()));
    byte[] ttl = number(millis(write.ttl()));
    byte[] deadline = deadlines.next();
    byte @Nullable [] token = leased ? number(write.leaseToken()) : null;
    return data.callOnSlot(
            keys[0],
            c ->
                token != null
                    ? Script.WRITE_LEASED.run(c, keys, counter, write.copy(), ttl, deadline, token)
                    : script.run(c, keys, counter, write.copy(), ttl, deadline))
        .thenCompose(
            r ->
                r == Script.LATE
                    ? deadlines.<Boolean>late()
                    : CompletableFuture.completedFuture(r == 1L));
  }

  // ---------------------------------------------------------------- load leases

  @Override
  public CompletableFuture<Lease> lease(
      Namespace namespace, byte[] key, long seenGeneration, long token, Duration time) {
    return leases.lease(state(namespace), key, seenGeneration, token, time);
  }

  @Override
  public CompletableFuture<Void> releaseLease(Namespace namespace, byte[] key, long token) {
    return leases.release(state(namespace), key, token);
  }

  // ---------------------------------------------------------------- invalidating writes

  @Override
  public CompletableFuture<Void> put(Namespace namespace, Write write) {
    Namespaces.State ns = state(namespace);
    ns.checkTier(write);
    byte[] ttl = number(millis(write.ttl()));
    byte[] deadline = deadlines.next();
    return epochs.at(
        ns.epoch,
        at -> {
          byte[][] keys = ns.layout.putKeys(at.epoch(), write.key(), write.tier());
          return data.callOnSlot(
                  keys[0], c -> Script.PUT.run(c, keys, write.copy(), ttl, ns.retention, deadline))
              .thenCompose(r -> r == Script.LATE ? deadlines.<Void>late() : DONE);
        });
  }

  @Override
  public CompletableFuture<Void> remove(Namespace namespace, byte[] key) {
    Objects.requireNonNull(key, "key");
    Namespaces.State ns = state(namespace);
    return epochs.at(ns.epoch, at -> removeAt(ns, at, key).thenApply(r -> null));
  }

  @Override
  public CompletableFuture<Void> removeAll(Namespace namespace, List<byte[]> keys) {
    Objects.requireNonNull(keys, "keys");
    Namespaces.State ns = state(namespace);
    if (keys.isEmpty()) {
      return DONE;
    }
    List<byte[]> copy = List.copyOf(keys);
    return epochs.at(
        ns.epoch,
        at -> {
          CompletableFuture<?>[] removals = new CompletableFuture<?>[copy.size()];
          for (int i = 0; i < removals.length; i++) {
            removals[i] = removeAt(ns, at, copy.get(i));
          }
          return CompletableFuture.allOf(removals);
        });
  }

  private CompletableFuture<Long> removeAt(Namespaces.State ns, Epochs.At at, byte[] key) {
    byte[][] keys = ns.layout.removeKeys(at.epoch(), key);
    return data.callOnSlot(keys[0], c -> Script.REMOVE.run(c, keys, ns.retention));
  }

  @Override
  public CompletableFuture<Void> clear(Namespace namespace) {
    Namespaces.State ns = state(namespace);
    return epochs
        .clear(ns.epoch)
        .thenApply(
            at -> {
              var unused = sweeper.sweep(ns.layout, at.epoch()); // in the background
              return null;
            });
  }

  // ---------------------------------------------------------------- pub/sub

  @Override
  public CompletableFuture<Void> publish(Namespace namespace, Invalidation message) {
    Objects.requireNonNull(message, "message");
    Namespaces.State ns = state(namespace);
    Epochs.At known = ns.epoch.current;
    byte[] payload =
        ChannelMessage.encode(known == null ? ChannelMessage.UNKNOWN : known.epoch(), message);
    return publishing.publish(ns.channel, payload);
  }

  @Override
  public AutoCloseable subscribe(Namespace namespace, InvalidationListener listener) {
    Objects.requireNonNull(listener, "listener");
    Namespaces.State ns = state(namespace);
    return subscriptions.subscribe(
        ns.layout.channel(), () -> epochs.refresh(ns.epoch), ns.epoch::advanceTo, listener);
  }

  /**
   * Returns whether the namespace's channel is subscribed on the server and each of its listeners
   * has been told (for tests).
   */
  boolean isSubscribed(Namespace namespace) {
    return subscriptions.isReady(state(namespace).layout.channel());
  }

  /**
   * Returns whether this store publishes on a cluster with {@code SPUBLISH} (until a server refused
   * it; for tests).
   */
  boolean publishesSharded() {
    return publishing.isSharded();
  }

  /** Returns the key a copy of {@code key} in {@code tier} has in epoch 0 (for tests). */
  byte[] tierKeyAtEpochZero(Namespace namespace, byte[] key, int tier) {
    return state(namespace).layout.tierKey(KeyLayout.epochSegment(0), KeyLayout.escape(key), tier);
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    epochs.close();
    sweeper.close();
    CompletableFuture<Void> closing = CompletableFuture.allOf(subscriptions.close(), data.close());
    try {
      // Bounded: a connection that does not close in time is closed by the client's shutdown.
      closing.get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.debug("Closing the store's connections", e);
    }
    release.run();
  }

  /** The cluster promoted a replica: the subscribers may have lost acknowledged removals. */
  private void failedOver(String what) {
    if (closed) {
      return;
    }
    log.info(
        "Redis Cluster failover seen: {}; subscribed caches stop trusting earlier copies", what);
    subscriptions.storeFault(what);
  }

  // ---------------------------------------------------------------- plumbing

  private Namespaces.State state(Namespace namespace) {
    Objects.requireNonNull(namespace, "namespace");
    if (closed) {
      throw new IllegalStateException("RedisTierStore is closed");
    }
    return namespaces.of(namespace);
  }

  static long millis(Duration duration) {
    return Math.max(1, duration.toMillis());
  }

  static byte[] number(long value) {
    return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
  }
}
