package io.github.tieredcache.redis;

import io.github.tieredcache.resilience.ResilientTierStore;
import io.github.tieredcache.resilience.ResilientTierStoreOptions;
import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.InvalidationListener;
import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spi.Write;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.ValueListOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *     .keyPrefix("shop")
 *     .build();
 * TierStore guarded = RedisTierStore.cluster("redis://10.0.0.1:6379").buildResilient();
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
 * advanced (INCR) by {@code put} and {@code remove}; a load's write is a script that compares the
 * counter with the one its read saw. A {@code clear} cannot touch every key, so it moves the
 * cache's <em>epoch</em> instead (a counter under {@code <prefix>:<cache>:epoch}), which is part of
 * every copy's key name: the old epoch's copies become invisible at once and expire by their TTL.
 * The generation this store reports folds the epoch in ({@link Generations}), and a conditional
 * write whose generation is of another epoch than the current one is refused without asking Redis,
 * so a load that read before a clear cannot write after it, not even for a key that had no
 * generation.
 *
 * <p><b>How the epoch stays current.</b> The epoch key lives in one slot, so it cannot be read in
 * the same {@code MGET} as a key's tiers; each store caches it per cache and rereads it (1) when it
 * first uses the cache, (2) when an invalidation message for every key arrives (another instance
 * cleared), before the message reaches the listener, (3) after every (re)subscription, before
 * {@code onSubscribed}, (4) every {@link RedisTierStoreOptions#epochRefreshInterval()}, and (5)
 * with every {@code put} and {@code remove}, in parallel with the write: if the epoch moved
 * meanwhile, the write is done again in the new epoch, so an invalidation is never left behind in a
 * retired epoch. Generation keys carry no epoch, so a {@code put} or {@code remove} advances the
 * one generation every instance compares with, in any epoch. What remains: an instance that has not
 * yet heard of another's clear keeps serving the retired epoch's copies (and writing loads there,
 * visible only to such instances) until (2) or (4), i.e. for at most one refresh interval when the
 * message is lost. An epoch read lower than one this store has seen (the counter was lost, e.g. in
 * a failover before replication) is raised back, and a clear always moves past both the stored
 * epoch and its caller's.
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
  private static final ByteArrayCodec CODEC = ByteArrayCodec.INSTANCE;
  private static final int MAX_EPOCH_CHASES = 3;
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final RedisTierStoreOptions options;
  private final LazyConnection<Data> data;
  private final Subscriptions subscriptions;
  private final Map<Namespace, NamespaceState> namespaces = new ConcurrentHashMap<>();
  private final Map<String, Epoch> epochs = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> epochRefresher;
  private final Runnable release;
  private final long deadlineMillis;
  private final AtomicBoolean lateWarned = new AtomicBoolean();
  private volatile boolean closed;

  /** The data connection and its asynchronous commands. */
  private record Data(
      StatefulConnection<byte[], byte[]> connection,
      RedisClusterAsyncCommands<byte[], byte[]> commands) {}

  private RedisTierStore(
      RedisTierStoreOptions options,
      Supplier<CompletionStage<Data>> connectData,
      Supplier<? extends CompletionStage<? extends StatefulRedisPubSubConnection<byte[], byte[]>>>
          connectPubSub,
      ScheduledExecutorService scheduler,
      Function<Consumer<String>, Runnable> watchFailovers,
      Runnable release) {
    this.options = options;
    this.deadlineMillis =
        options.commandTimeout().toMillis() + options.clockSkewAllowance().toMillis();
    long retry = options.maxReconnectDelay().toNanos();
    @Nullable String user = options.username();
    this.data =
        new LazyConnection<>(
            () -> explained(connectData.get(), user), d -> d.connection().closeAsync(), retry);
    this.subscriptions =
        new Subscriptions(() -> explained(connectPubSub.get(), user), scheduler, retry);
    Runnable stopWatching = watchFailovers.apply(this::failedOver);
    this.release =
        () -> {
          stopWatching.run();
          release.run();
        };
    long every = options.epochRefreshInterval().toNanos();
    this.epochRefresher =
        scheduler.scheduleWithFixedDelay(this::refreshEpochs, every, every, TimeUnit.NANOSECONDS);
    // Connect now, in the background, so the first operation finds the connection made.
    data.get()
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
  public static Builder cluster(String... uris) {
    return builder().cluster(uris);
  }

  /** Starts a builder for a standalone Redis at {@code uri}. */
  public static Builder standalone(String uri) {
    return builder().standalone(uri);
  }

  /**
   * Starts an empty builder; set a target with {@code cluster}, {@code standalone} or {@code
   * client}.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts a builder on the caller's cluster client, which the store never shuts down. */
  public static Builder using(RedisClusterClient client) {
    return builder().client(client);
  }

  /** Starts a builder on the caller's client and URI, which the store never shuts down. */
  public static Builder using(RedisClient client, RedisURI uri) {
    return builder().client(client, uri);
  }

  /** Returns the options this store was built with. */
  public RedisTierStoreOptions options() {
    return options;
  }

  // ---------------------------------------------------------------- reads

  @Override
  public CompletableFuture<Lookup> read(Namespace namespace, byte[] key) {
    Objects.requireNonNull(key, "key");
    NamespaceState ns = state(namespace);
    EpochAt at = ns.epoch.current;
    return at != null
        ? readAt(ns, at, key)
        : firstEpoch(ns.epoch).thenCompose(first -> readAt(ns, first, key));
  }

  /**
   * One {@code MGET} of the key's tiers and generation, dispatched as a plain command: the cluster
   * connection routes it by its first key's slot (every key of one lookup shares that slot) without
   * splitting it by slot as its {@code mget} does, and the answer is the raw values, in order.
   */
  private CompletableFuture<Lookup> readAt(NamespaceState ns, EpochAt at, byte[] key) {
    int tiers = ns.layout.tierCount();
    CommandArgs<byte[], byte[]> args = new CommandArgs<>(CODEC);
    ns.layout.addReadKeys(args, at.segment, key);
    return NodeBursts.retryingTryAgain(
            () -> call(c -> c.dispatch(CommandType.MGET, new ValueListOutput<>(CODEC), args)), 0)
        .thenApply(values -> lookup(values, 0, tiers, at.epoch));
  }

  @Override
  public CompletableFuture<List<Lookup>> readAll(Namespace namespace, List<byte[]> keys) {
    Objects.requireNonNull(keys, "keys");
    keys.forEach(k -> Objects.requireNonNull(k, "key"));
    NamespaceState ns = state(namespace);
    if (keys.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return atEpoch(
        ns,
        at -> {
          int tiers = ns.layout.tierCount();
          int width = tiers + 1;
          // Each key's tier keys and generation key, made once for either path.
          List<byte[][]> lookupKeys = new ArrayList<>(keys.size());
          for (byte[] key : keys) {
            byte[][] mine = new byte[width][];
            ns.layout.readKeys(at.segment, key, mine, 0);
            lookupKeys.add(mine);
          }
          return onData(
              d -> {
                if (d.connection() instanceof StatefulRedisClusterConnection<byte[], byte[]> c) {
                  // One MGET per slot, one burst (one flush) per node.
                  return NodeBursts.mget(c, lookupKeys)
                      .thenApply(
                          answers -> {
                            List<Lookup> found = new ArrayList<>(keys.size());
                            for (List<byte[]> answer : answers) {
                              found.add(lookup(answer, 0, tiers, at.epoch));
                            }
                            return found;
                          });
                }
                // One server: one MGET of everything.
                byte[][] all = new byte[keys.size() * width][];
                for (int i = 0; i < keys.size(); i++) {
                  System.arraycopy(lookupKeys.get(i), 0, all, i * width, width);
                }
                return d.commands()
                    .mget(all)
                    .toCompletableFuture()
                    .thenApply(
                        values -> {
                          List<byte[]> raw = new ArrayList<>(values.size());
                          for (KeyValue<byte[], byte[]> value : values) {
                            raw.add(value.hasValue() ? value.getValue() : null);
                          }
                          List<Lookup> lookups = new ArrayList<>(keys.size());
                          for (int i = 0; i < keys.size(); i++) {
                            lookups.add(lookup(raw, i * width, tiers, at.epoch));
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
    NamespaceState ns = state(namespace);
    checkTier(ns, write);
    return atEpoch(ns, at -> conditional(ns, at, write, Script.WRITE_IF_GENERATION));
  }

  @Override
  public CompletableFuture<List<Boolean>> writeAllIfGeneration(
      Namespace namespace, List<Write> writes) {
    NamespaceState ns = state(namespace);
    writes.forEach(w -> checkTier(ns, w));
    if (writes.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return atEpoch(
        ns,
        at -> {
          List<CompletableFuture<Boolean>> outcomes = new ArrayList<>(writes.size());
          for (Write write : writes) {
            outcomes.add(conditional(ns, at, write, Script.WRITE_IF_GENERATION));
          }
          return CompletableFuture.allOf(outcomes.toArray(CompletableFuture<?>[]::new))
              .thenApply(v -> outcomes.stream().map(CompletableFuture::join).toList());
        });
  }

  @Override
  public CompletableFuture<Boolean> promote(Namespace namespace, Write write) {
    NamespaceState ns = state(namespace);
    checkTier(ns, write);
    return atEpoch(ns, at -> conditional(ns, at, write, Script.PROMOTE));
  }

  private CompletableFuture<Boolean> conditional(
      NamespaceState ns, EpochAt at, Write write, Script script) {
    if (!Generations.inEpoch(write.expectedGeneration(), at.epoch)) {
      return CompletableFuture.completedFuture(false); // read before a clear
    }
    byte[][] keys =
        script == Script.PROMOTE
            ? ns.layout.promoteKeys(at.segment, write.key(), write.tier())
            : ns.layout.writeKeys(at.segment, write.key(), write.tier());
    byte[] counter = number(Generations.counter(write.expectedGeneration()));
    byte[] ttl = number(millis(write.ttl()));
    byte[] deadline = deadline();
    return call(c -> script.run(c, keys, counter, write.copy(), ttl, deadline))
        .thenCompose(r -> r == Script.LATE ? late() : CompletableFuture.completedFuture(r == 1L));
  }

  // ---------------------------------------------------------------- invalidating writes

  @Override
  public CompletableFuture<Void> put(Namespace namespace, Write write) {
    NamespaceState ns = state(namespace);
    checkTier(ns, write);
    byte[] ttl = number(millis(write.ttl()));
    byte[] deadline = deadline();
    return mutate(
        ns,
        at ->
            call(c ->
                    Script.PUT.run(
                        c,
                        ns.layout.writeKeys(at.segment, write.key(), write.tier()),
                        write.copy(),
                        ttl,
                        ns.retention,
                        deadline))
                .thenCompose(r -> r == Script.LATE ? late() : DONE));
  }

  /**
   * The deadline a write carries (see {@link Script}): now, plus the command timeout after which
   * its caller is told it failed, plus the clock skew allowed between this host and Redis.
   */
  private byte[] deadline() {
    return number(System.currentTimeMillis() + deadlineMillis);
  }

  /** The answer to a write that reached Redis after its deadline; warns once per store. */
  private <T> CompletableFuture<T> late() {
    if (lateWarned.compareAndSet(false, true)) {
      log.warn(
          "A write reached Redis after its deadline and was refused there (logged once). Either"
              + " Redis was unavailable longer than the command timeout ({}), or this host's clock"
              + " is behind Redis's by more than clockSkewAllowance ({}): check NTP.",
          options.commandTimeout(),
          options.clockSkewAllowance());
    }
    return CompletableFuture.failedFuture(
        new LateWriteException(
            "the write reached Redis after its deadline and was refused; nothing was changed"));
  }

  @Override
  public CompletableFuture<Void> remove(Namespace namespace, byte[] key) {
    Objects.requireNonNull(key, "key");
    NamespaceState ns = state(namespace);
    return mutate(ns, at -> removeAt(ns, at, key));
  }

  @Override
  public CompletableFuture<Void> removeAll(Namespace namespace, List<byte[]> keys) {
    Objects.requireNonNull(keys, "keys");
    NamespaceState ns = state(namespace);
    if (keys.isEmpty()) {
      return DONE;
    }
    List<byte[]> copy = List.copyOf(keys);
    return mutate(
        ns,
        at -> {
          CompletableFuture<?>[] removals = new CompletableFuture<?>[copy.size()];
          for (int i = 0; i < removals.length; i++) {
            removals[i] = removeAt(ns, at, copy.get(i));
          }
          return CompletableFuture.allOf(removals);
        });
  }

  private CompletableFuture<Long> removeAt(NamespaceState ns, EpochAt at, byte[] key) {
    return call(c -> Script.REMOVE.run(c, ns.layout.removeKeys(at.segment, key), ns.retention));
  }

  @Override
  public CompletableFuture<Void> clear(Namespace namespace) {
    NamespaceState ns = state(namespace);
    Epoch epoch = ns.epoch;
    EpochAt known = epoch.current;
    byte[] seen = number(known == null ? 0 : known.epoch);
    return call(c -> Script.CLEAR.run(c, new byte[][] {epoch.key}, seen))
        .thenAccept(epoch::advanceTo);
  }

  /**
   * Applies an invalidating write in the current epoch while rereading the epoch in parallel; if
   * the epoch moved meanwhile (another instance cleared), applies it again in the new epoch. A
   * failed reread is taken as "unchanged": the epoch lives on one node, and if that node cannot
   * answer, no clear can have moved it either.
   */
  private CompletableFuture<Void> mutate(
      NamespaceState ns, Function<EpochAt, CompletableFuture<?>> write) {
    return atEpoch(ns, at -> mutateAt(ns, write, at, 0));
  }

  private CompletableFuture<Void> mutateAt(
      NamespaceState ns, Function<EpochAt, CompletableFuture<?>> write, EpochAt at, int chases) {
    CompletableFuture<?> applied = write.apply(at);
    CompletableFuture<EpochAt> latest = refreshEpoch(ns.epoch).exceptionally(e -> at);
    return applied
        .thenCombine(latest, (ignored, now) -> now)
        .thenCompose(
            now ->
                now.epoch > at.epoch && chases < MAX_EPOCH_CHASES
                    ? mutateAt(ns, write, now, chases + 1)
                    : DONE);
  }

  // ---------------------------------------------------------------- pub/sub

  @Override
  public CompletableFuture<Void> publish(Namespace namespace, Invalidation message) {
    Objects.requireNonNull(message, "message");
    NamespaceState ns = state(namespace);
    // Not c.publish(...): Lettuce routes PUBLISH by the channel's hash slot, so while that slot's
    // primary is down (a failover takes seconds) no instance could publish for the cache. PUBLISH
    // is
    // broadcast to the whole cluster from any node, so it goes, keyless, on the default connection,
    // which reconnects to another node at once.
    CommandArgs<byte[], byte[]> args =
        new CommandArgs<>(CODEC).add(ns.channel).addValue(message.encode());
    return call(c -> c.dispatch(CommandType.PUBLISH, new IntegerOutput<>(CODEC), args))
        .thenApply(receivers -> null);
  }

  @Override
  public AutoCloseable subscribe(Namespace namespace, InvalidationListener listener) {
    Objects.requireNonNull(listener, "listener");
    NamespaceState ns = state(namespace);
    return subscriptions.subscribe(ns.layout.channel(), () -> refreshEpoch(ns.epoch), listener);
  }

  /**
   * Returns whether the namespace's channel is subscribed on the server and each of its listeners
   * has been told (for tests).
   */
  boolean isSubscribed(Namespace namespace) {
    return subscriptions.isReady(state(namespace).layout.channel());
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
    epochRefresher.cancel(false);
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

  /** Fails {@code connecting} with a failure that names authentication or TLS where it is one. */
  private static <T> CompletionStage<T> explained(
      CompletionStage<T> connecting, @Nullable String user) {
    return connecting
        .toCompletableFuture()
        .handle(
            (c, error) -> {
              if (error != null) {
                throw new CompletionException(ConnectFailures.explain(error, user));
              }
              return c;
            });
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

  // ---------------------------------------------------------------- epochs

  /** The epoch of one cache as this store knows it. */
  private static final class Epoch {
    final byte[] key;
    volatile @Nullable EpochAt current;
    @Nullable CompletableFuture<EpochAt> loading; // guarded by this

    Epoch(byte[] key) {
      this.key = key;
    }

    /** Moves to {@code epoch} if it is newer; returns the epoch now known. */
    synchronized EpochAt advanceTo(long epoch) {
      EpochAt now = current;
      if (now == null || epoch > now.epoch) {
        now = new EpochAt(epoch, KeyLayout.epochSegment(epoch));
        current = now;
      }
      return now;
    }
  }

  /** An epoch and the key segment that names it. */
  private record EpochAt(long epoch, byte[] segment) {}

  /** Runs {@code operation} in the cache's current epoch, reading the epoch first if unknown. */
  private <T> CompletableFuture<T> atEpoch(
      NamespaceState ns, Function<EpochAt, CompletableFuture<T>> operation) {
    EpochAt at = ns.epoch.current;
    if (at != null) {
      return operation.apply(at);
    }
    return firstEpoch(ns.epoch).thenCompose(operation);
  }

  private CompletableFuture<EpochAt> firstEpoch(Epoch epoch) {
    synchronized (epoch) {
      EpochAt at = epoch.current;
      if (at != null) {
        return CompletableFuture.completedFuture(at);
      }
      CompletableFuture<EpochAt> loading = epoch.loading;
      if (loading == null || loading.isCompletedExceptionally()) {
        loading = refreshEpoch(epoch);
        epoch.loading = loading;
      }
      return loading;
    }
  }

  /** Rereads the epoch from Redis, raising the stored one if it went back. */
  private CompletableFuture<EpochAt> refreshEpoch(Epoch epoch) {
    return call(c -> c.get(epoch.key))
        .thenCompose(
            stored -> {
              long remote = Generations.parseCounter(stored);
              EpochAt known = epoch.current;
              if (known != null && remote < known.epoch) {
                log.warn(
                    "Epoch {} reads {} but this store has seen {}; raising it back",
                    new String(epoch.key, StandardCharsets.US_ASCII),
                    remote,
                    known.epoch);
                return call(c ->
                        Script.RAISE_EPOCH.run(c, new byte[][] {epoch.key}, number(known.epoch)))
                    .thenApply(epoch::advanceTo);
              }
              return CompletableFuture.completedFuture(epoch.advanceTo(remote));
            });
  }

  private void refreshEpochs() {
    if (closed) {
      return;
    }
    for (Epoch epoch : epochs.values()) {
      if (epoch.current != null) {
        refreshEpoch(epoch)
            .exceptionally(
                e -> {
                  log.debug("Periodic epoch reread failed", e);
                  return null;
                });
      }
    }
  }

  // ---------------------------------------------------------------- plumbing

  /** What the store derives once per namespace. */
  private static final class NamespaceState {
    final KeyLayout layout;
    final Epoch epoch;
    final byte[] retention;
    final byte[] channel;

    NamespaceState(KeyLayout layout, Epoch epoch, Duration retention) {
      this.layout = layout;
      this.epoch = epoch;
      this.retention = number(millis(retention));
      this.channel = layout.channel().getBytes(StandardCharsets.US_ASCII);
    }
  }

  private NamespaceState state(Namespace namespace) {
    Objects.requireNonNull(namespace, "namespace");
    if (closed) {
      throw new IllegalStateException("RedisTierStore is closed");
    }
    NamespaceState ns = namespaces.get(namespace);
    if (ns == null) {
      ns = namespaces.computeIfAbsent(namespace, this::newState);
    }
    return ns;
  }

  private NamespaceState newState(Namespace namespace) {
    KeyLayout layout = KeyLayout.of(options.keyPrefix(), namespace);
    byte[] epochKey = layout.epochKey();
    Epoch epoch =
        epochs.computeIfAbsent(
            new String(epochKey, StandardCharsets.US_ASCII), k -> new Epoch(epochKey));
    return new NamespaceState(layout, epoch, namespace.generationRetention());
  }

  private static void checkTier(NamespaceState ns, Write write) {
    Objects.requireNonNull(write, "write");
    if (write.tier() >= ns.layout.tierCount()) {
      throw new IllegalArgumentException(
          "tier " + write.tier() + " is not a tier of a namespace with " + ns.layout.tierCount());
    }
  }

  /** Runs a command on the data connection, connecting first if needed. */
  private <T> CompletableFuture<T> call(
      Function<RedisClusterAsyncCommands<byte[], byte[]>, ? extends CompletionStage<T>> command) {
    Data d = data.now();
    if (d != null) {
      return invoke(command, d.commands());
    }
    return data.get().thenCompose(connected -> invoke(command, connected.commands()));
  }

  /** Like {@link #call}, for an operation that needs the connection, not only its commands. */
  private <T> CompletableFuture<T> onData(Function<Data, ? extends CompletionStage<T>> operation) {
    Data d = data.now();
    CompletableFuture<Data> connected =
        d != null ? CompletableFuture.completedFuture(d) : data.get().toCompletableFuture();
    return connected.thenCompose(
        c -> {
          try {
            return operation.apply(c).toCompletableFuture();
          } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
          }
        });
  }

  private static <T> CompletableFuture<T> invoke(
      Function<RedisClusterAsyncCommands<byte[], byte[]>, ? extends CompletionStage<T>> command,
      RedisClusterAsyncCommands<byte[], byte[]> commands) {
    try {
      return command.apply(commands).toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static long millis(Duration duration) {
    return Math.max(1, duration.toMillis());
  }

  private static byte[] number(long value) {
    return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
  }

  // ---------------------------------------------------------------- builder

  /**
   * Builds a {@link RedisTierStore}. Set exactly one target: {@link #cluster}, {@link #standalone}
   * or {@link #client}. Not thread-safe.
   */
  public static final class Builder {
    private RedisTierStoreOptions.Builder options = RedisTierStoreOptions.builder();
    private @Nullable List<RedisURI> clusterUris;
    private @Nullable RedisURI standaloneUri;
    private @Nullable RedisClusterClient clusterClient;
    private @Nullable RedisClient standaloneClient;
    private @Nullable ClientResources resources;

    private Builder() {}

    /**
     * Targets a Redis Cluster through the given seed URIs ({@code redis://} or {@code rediss://}).
     */
    public Builder cluster(String... uris) {
      Objects.requireNonNull(uris, "uris");
      return cluster(Arrays.stream(uris).map(RedisURI::create).toList());
    }

    /** Targets a Redis Cluster through the given seed URIs. */
    public Builder cluster(Collection<RedisURI> uris) {
      Objects.requireNonNull(uris, "uris");
      if (uris.isEmpty()) {
        throw new IllegalArgumentException("cluster needs at least one seed URI");
      }
      target();
      this.clusterUris = List.copyOf(uris);
      return this;
    }

    /** Targets a standalone Redis at {@code uri}. */
    public Builder standalone(String uri) {
      return standalone(RedisURI.create(Objects.requireNonNull(uri, "uri")));
    }

    /** Targets a standalone Redis at {@code uri}. */
    public Builder standalone(RedisURI uri) {
      Objects.requireNonNull(uri, "uri");
      target();
      this.standaloneUri = uri;
      return this;
    }

    /**
     * Uses the caller's cluster client, its options and its resources. The store opens its own
     * connections on it and closes them on {@link RedisTierStore#close()}, but never shuts the
     * client down. Configure it with a short command timeout and {@code REJECT_COMMANDS} (see
     * {@link RedisTierStoreOptions}) for the failure behaviour the store promises.
     */
    public Builder client(RedisClusterClient client) {
      Objects.requireNonNull(client, "client");
      target();
      this.clusterClient = client;
      return this;
    }

    /**
     * Uses the caller's standalone client with {@code uri}; see {@link
     * #client(RedisClusterClient)}.
     */
    public Builder client(RedisClient client, RedisURI uri) {
      Objects.requireNonNull(client, "client");
      Objects.requireNonNull(uri, "uri");
      target();
      this.standaloneClient = client;
      this.standaloneUri = uri;
      return this;
    }

    /**
     * Uses {@code resources} (event loops, timers) for the client the store creates, and never
     * shuts them down. Without it the store creates and owns its own.
     */
    public Builder clientResources(ClientResources resources) {
      this.resources = Objects.requireNonNull(resources, "resources");
      return this;
    }

    /** Replaces every option with {@code options}. */
    public Builder options(RedisTierStoreOptions options) {
      this.options = Objects.requireNonNull(options, "options").toBuilder();
      return this;
    }

    /** See {@link RedisTierStoreOptions.Builder#keyPrefix}. */
    public Builder keyPrefix(String keyPrefix) {
      options.keyPrefix(keyPrefix);
      return this;
    }

    /** See {@link RedisTierStoreOptions.Builder#commandTimeout}. */
    public Builder commandTimeout(Duration commandTimeout) {
      options.commandTimeout(commandTimeout);
      return this;
    }

    /** See {@link RedisTierStoreOptions.Builder#connectTimeout}. */
    public Builder connectTimeout(Duration connectTimeout) {
      options.connectTimeout(connectTimeout);
      return this;
    }

    /** See {@link RedisTierStoreOptions.Builder#topologyRefreshPeriod}. */
    public Builder topologyRefreshPeriod(Duration period) {
      options.topologyRefreshPeriod(period);
      return this;
    }

    /** See {@link RedisTierStoreOptions.Builder#adaptiveRefreshMinInterval}. */
    public Builder adaptiveRefreshMinInterval(Duration interval) {
      options.adaptiveRefreshMinInterval(interval);
      return this;
    }

    /** See {@link RedisTierStoreOptions.Builder#requestQueueSize}. */
    public Builder requestQueueSize(int requestQueueSize) {
      options.requestQueueSize(requestQueueSize);
      return this;
    }

    /** See {@link RedisTierStoreOptions.Builder#maxReconnectDelay}. */
    public Builder maxReconnectDelay(Duration delay) {
      options.maxReconnectDelay(delay);
      return this;
    }

    /** See {@link RedisTierStoreOptions.Builder#epochRefreshInterval}. */
    public Builder epochRefreshInterval(Duration interval) {
      options.epochRefreshInterval(interval);
      return this;
    }

    /** See {@link RedisTierStoreOptions.Builder#clientName}. */
    public Builder clientName(@Nullable String clientName) {
      options.clientName(clientName);
      return this;
    }

    /** See {@link RedisTierStoreOptions.Builder#password}. */
    public Builder password(CharSequence password) {
      options.password(password);
      return this;
    }

    /** See {@link RedisTierStoreOptions.Builder#credentials}. */
    public Builder credentials(String username, CharSequence password) {
      options.credentials(username, password);
      return this;
    }

    /** See {@link RedisTierStoreOptions.Builder#tls}. */
    public Builder tls(boolean tls) {
      options.tls(tls);
      return this;
    }

    /** See {@link RedisTierStoreOptions.Builder#verifyPeer}. */
    public Builder verifyPeer(boolean verifyPeer) {
      options.verifyPeer(verifyPeer);
      return this;
    }

    /**
     * Returns the store. It connects in the background; an unreachable Redis does not fail the
     * build (operations fail until it is reachable).
     *
     * @throws IllegalStateException if no target was set
     */
    public RedisTierStore build() {
      RedisTierStoreOptions o = options.build();
      if (clusterClient != null) {
        return onCluster(o, clusterClient, () -> {});
      }
      if (standaloneClient != null) {
        return onStandalone(o, standaloneClient, Objects.requireNonNull(standaloneUri), () -> {});
      }
      if (clusterUris == null && standaloneUri == null) {
        throw new IllegalStateException(
            "RedisTierStore needs a target: cluster(uris), standalone(uri) or client(...)");
      }
      ClientResources res = resources != null ? resources : ownedResources(o);
      Runnable releaseResources = resources != null ? () -> {} : () -> shutDown(res);
      try {
        if (clusterUris != null) {
          List<RedisURI> uris = clusterUris.stream().map(u -> configure(u, o)).toList();
          RedisClusterClient client = RedisClusterClient.create(res, uris);
          client.setOptions(o.toClusterClientOptions());
          return onCluster(o, client, () -> shutDown(client, releaseResources));
        }
        RedisURI uri = configure(Objects.requireNonNull(standaloneUri), o);
        RedisClient client = RedisClient.create(res, uri);
        client.setOptions(o.toClientOptions());
        return onStandalone(o, client, uri, () -> shutDown(client, releaseResources));
      } catch (RuntimeException e) {
        releaseResources.run();
        throw e;
      }
    }

    /** Returns the store guarded by a {@link ResilientTierStore} with default options. */
    public ResilientTierStore buildResilient() {
      return ResilientTierStore.wrap(build());
    }

    /** Returns the store guarded by a {@link ResilientTierStore} with {@code resilience}. */
    public ResilientTierStore buildResilient(ResilientTierStoreOptions resilience) {
      Objects.requireNonNull(resilience, "resilience");
      return ResilientTierStore.wrap(build(), resilience);
    }

    private void target() {
      if (clusterUris != null
          || standaloneUri != null
          || clusterClient != null
          || standaloneClient != null) {
        throw new IllegalStateException("RedisTierStore target was already set");
      }
    }

    private static RedisTierStore onCluster(
        RedisTierStoreOptions o, RedisClusterClient client, Runnable release) {
      return new RedisTierStore(
          o,
          // connectAsync needs the topology loaded; refreshPartitionsAsync loads it without
          // blocking.
          () ->
              client
                  .refreshPartitionsAsync()
                  .thenCompose(v -> client.connectAsync(CODEC))
                  .thenApply(c -> new Data(c, c.async())),
          () -> client.refreshPartitionsAsync().thenCompose(v -> client.connectPubSubAsync(CODEC)),
          client.getResources().eventExecutorGroup(),
          sink -> FailoverWatch.start(client, sink),
          release);
    }

    private static RedisTierStore onStandalone(
        RedisTierStoreOptions o, RedisClient client, RedisURI uri, Runnable release) {
      return new RedisTierStore(
          o,
          () ->
              client
                  .connectAsync(CODEC, uri)
                  .toCompletableFuture()
                  .thenApply(c -> new Data(c, c.async())),
          () -> client.connectPubSubAsync(CODEC, uri).toCompletableFuture(),
          client.getResources().eventExecutorGroup(),
          sink -> () -> {},
          release);
    }

    /**
     * Returns a copy of {@code source} with the options' connect timeout, client name, credentials
     * and TLS. A URI's timeout is what Lettuce gives the connection handshake ({@code HELLO},
     * {@code AUTH}, {@code CLIENT SETNAME}) and the topology refresh, so it is the connect timeout:
     * with the command timeout there, a loaded server that answered a handshake in 600 ms failed to
     * connect at all. Commands get the command timeout from the client's {@code TimeoutOptions}.
     */
    static RedisURI configure(RedisURI source, RedisTierStoreOptions o) {
      RedisURI.Builder b = RedisURI.builder(source).withTimeout(o.connectTimeout());
      String clientName = o.clientName();
      if (clientName != null) {
        b.withClientName(clientName);
      }
      char[] password = o.password();
      String username = o.username();
      if (password != null && username != null) {
        b.withAuthentication(username, password);
      } else if (password != null) {
        b.withPassword(password);
      }
      if (o.tls()) {
        b.withSsl(true);
      }
      if (o.tls() || source.isSsl()) {
        b.withVerifyPeer(o.verifyPeer() ? SslVerifyMode.FULL : SslVerifyMode.NONE);
      }
      return b.build();
    }

    private static ClientResources ownedResources(RedisTierStoreOptions o) {
      return DefaultClientResources.builder()
          .reconnectDelay(
              Delay.exponential(
                  Duration.ofMillis(10), o.maxReconnectDelay(), 2, TimeUnit.MILLISECONDS))
          .build();
    }

    private static void shutDown(io.lettuce.core.AbstractRedisClient client, Runnable then) {
      try {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      } catch (RuntimeException e) {
        log.debug("Redis client shutdown failed", e);
      } finally {
        then.run();
      }
    }

    private static void shutDown(ClientResources resources) {
      try {
        resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        log.debug("Redis client resources shutdown failed", e);
      }
    }
  }
}
