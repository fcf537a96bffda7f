package io.github.tieredcache.resilience;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.InvalidationListener;
import io.github.tieredcache.spi.Lease;
import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spi.Write;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TierStore} that guards another with a resilience4j {@link CircuitBreaker}, and that
 * keeps the invalidations it could not deliver until the store is back.
 *
 * <p><b>Failing fast.</b> Every call passes through the breaker. While it is open a call fails at
 * once with {@link CallNotPermittedException}, without touching the store, so a cache goes straight
 * to its L0 or its loader and an outage adds no latency. This decorator adds no timeout of its own:
 * the delegate owns the time a call may take (see {@link TierStore}), and a call that times out
 * there is a failure here. {@link IllegalArgumentException} (bad input) is not counted, nor is a
 * {@link io.github.tieredcache.spi.ShardUnavailableException}: one shard of a cluster failing sends
 * its own keys to the loader, and the breaker stays closed for the others. Subscriptions and {@link
 * #close()} bypass the breaker.
 *
 * <p><b>Recovering.</b> The breaker moves from open to half-open by itself after its wait; this
 * store then probes the delegate without waiting for traffic (replaying a pending invalidation, or
 * reading a key of a private probe namespace) until the breaker decides. When the breaker closes,
 * the backlog is replayed.
 *
 * <p><b>No stale entry outlives an outage.</b> A {@code put}, {@code remove}, {@code removeAll} or
 * {@code clear} that fails (including one refused by the open breaker) still fails to its caller,
 * and is also put in a bounded {@linkplain InvalidationBacklog backlog}. A failed {@code put} is
 * kept as a removal of its key, not as the write: by the time it is replayed another instance may
 * have put a newer value, which a late write would overwrite, while a late removal at worst costs
 * one miss. Once the breaker closes (and also a little after a failure that left it closed) the
 * backlog is replayed through the breaker, grouped into one {@code removeAll} per namespace. Past
 * the bound, a namespace's removals give way to one {@code clear} of the namespace (an epoch bump
 * on Redis), replayed the same way. Conditional writes and promotions that fail are dropped: they
 * are optimisations, and the next load writes again.
 *
 * <p><b>No lost notice.</b> A removal replayed late is followed by a message that drops the key
 * from every instance's L0 (one that drops every key, for a clear or a large batch), since an
 * instance may have refilled its L0 from the copy the removal was late to remove. A message that
 * could not be published (but heartbeats) is kept too, in order, and published once the store is
 * back (see {@link Notices} for its bound).
 *
 * <p><b>No copy served that a pending removal would remove.</b> While an invalidation of a key (or
 * a clear of its cache) is waiting or being replayed, a read of the key is refused with a {@link
 * PendingInvalidationException} without asking the store, so the cache loads instead of serving the
 * copy the removal has yet to remove.
 *
 * <p>Thread-safe. The breaker is exposed through {@link #circuitBreaker()} for metrics and health.
 */
public final class ResilientTierStore implements TierStore {

  private static final Logger log = LoggerFactory.getLogger(ResilientTierStore.class);

  /** The namespace a probe reads from when no invalidation is pending. */
  static final Namespace PROBE_NAMESPACE = Namespace.of("tiered-cache-probe", List.of("probe"));

  private final TierStore delegate;
  private final CircuitBreaker breaker;
  private final ResilientTierStoreOptions options;
  private final InvalidationBacklog backlog;
  private final Notices notices;
  private final OutageLog outageLog;
  private final String origin = "store-" + UUID.randomUUID();
  private final BacklogReplay replay;
  private volatile boolean closed;

  /** Whether {@link #close()} was called. */
  boolean isClosed() {
    return closed;
  }

  private ResilientTierStore(
      TierStore delegate, CircuitBreaker breaker, ResilientTierStoreOptions options) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.breaker = Objects.requireNonNull(breaker, "circuitBreaker");
    this.options = Objects.requireNonNull(options, "options");
    this.backlog = new InvalidationBacklog(options.backlogCapacity());
    this.notices = new Notices(options.backlogCapacity());
    this.outageLog = new OutageLog(breaker.getName(), System::nanoTime);
    this.replay =
        new BacklogReplay(
            this,
            delegate,
            breaker,
            backlog,
            notices,
            CompletableFuture.delayedExecutor(
                options.replayRetryInterval().toNanos(), TimeUnit.NANOSECONDS),
            origin);
    breaker.getEventPublisher().onStateTransition(this::onStateTransition);
  }

  /** Returns {@code store} guarded with the default options. */
  public static ResilientTierStore wrap(TierStore store) {
    return wrap(store, ResilientTierStoreOptions.defaults());
  }

  /** Returns {@code store} guarded by a new breaker configured from {@code options}. */
  public static ResilientTierStore wrap(TierStore store, ResilientTierStoreOptions options) {
    Objects.requireNonNull(options, "options");
    return new ResilientTierStore(
        store, CircuitBreaker.of(options.name(), options.toCircuitBreakerConfig()), options);
  }

  /**
   * Returns {@code store} guarded by {@code breaker} (for instance one from a {@code
   * CircuitBreakerRegistry}); {@code options} give the call timeout and the backlog. The breaker
   * should transition from open to half-open automatically, as {@link
   * ResilientTierStoreOptions#toCircuitBreakerConfig()} does, or recovery waits for traffic.
   */
  public static ResilientTierStore wrap(
      TierStore store, CircuitBreaker breaker, ResilientTierStoreOptions options) {
    return new ResilientTierStore(store, breaker, options);
  }

  /** Returns the breaker guarding the store, for metrics and health. */
  public CircuitBreaker circuitBreaker() {
    return breaker;
  }

  /** Returns the store this one guards. */
  public TierStore delegate() {
    return delegate;
  }

  /** Returns the options this store was made with. */
  public ResilientTierStoreOptions options() {
    return options;
  }

  /**
   * Returns how many invalidations (keys, plus one per cache to clear, plus messages) are not yet
   * delivered: waiting in the backlog or being replayed.
   */
  public int pendingInvalidations() {
    return backlog.pending() + notices.size();
  }

  /** Returns how many times a full backlog turned into a clear of a whole cache. */
  public long backlogOverflows() {
    return backlog.overflows();
  }

  @Override
  public CompletableFuture<Lookup> read(Namespace namespace, byte[] key) {
    if (backlog.covers(namespace, key)) {
      return pending(namespace);
    }
    return call(() -> delegate.read(namespace, key));
  }

  @Override
  public CompletableFuture<List<Lookup>> readAll(Namespace namespace, List<byte[]> keys) {
    if (backlog.coversAny(namespace)) {
      for (byte[] key : keys) {
        if (backlog.covers(namespace, key)) {
          return pending(namespace);
        }
      }
    }
    return call(() -> delegate.readAll(namespace, keys));
  }

  private static <T> CompletableFuture<T> pending(Namespace namespace) {
    return CompletableFuture.failedFuture(
        new PendingInvalidationException(
            "an invalidation in cache '" + namespace.cacheName() + "' has yet to reach the store"));
  }

  @Override
  public CompletableFuture<Boolean> writeIfGeneration(Namespace namespace, Write write) {
    return call(() -> delegate.writeIfGeneration(namespace, write));
  }

  @Override
  public CompletableFuture<List<Boolean>> writeAllIfGeneration(
      Namespace namespace, List<Write> writes) {
    return call(() -> delegate.writeAllIfGeneration(namespace, writes));
  }

  @Override
  public CompletableFuture<Lease> lease(
      Namespace namespace, byte[] key, long seenGeneration, long token, Duration time) {
    return call(() -> delegate.lease(namespace, key, seenGeneration, token, time));
  }

  @Override
  public CompletableFuture<Void> releaseLease(Namespace namespace, byte[] key, long token) {
    return call(() -> delegate.releaseLease(namespace, key, token));
  }

  @Override
  public CompletableFuture<Boolean> promote(Namespace namespace, Write write) {
    return call(() -> delegate.promote(namespace, write));
  }

  @Override
  public CompletableFuture<Boolean> move(Namespace namespace, Write write, int from) {
    return call(() -> delegate.move(namespace, write, from));
  }

  @Override
  public CompletableFuture<Void> put(Namespace namespace, Write write) {
    return call(() -> delegate.put(namespace, write))
        .whenComplete(
            (ok, error) -> {
              if (error != null && keep(error)) {
                backlog.addRemove(namespace, write.key());
                afterBacklogGrew();
              }
            });
  }

  @Override
  public CompletableFuture<Void> remove(Namespace namespace, byte[] key) {
    return call(() -> delegate.remove(namespace, key))
        .whenComplete(
            (ok, error) -> {
              if (error != null && keep(error)) {
                backlog.addRemove(namespace, key);
                afterBacklogGrew();
              }
            });
  }

  @Override
  public CompletableFuture<Void> removeAll(Namespace namespace, List<byte[]> keys) {
    return call(() -> delegate.removeAll(namespace, keys))
        .whenComplete(
            (ok, error) -> {
              if (error != null && keep(error)) {
                backlog.addRemoves(namespace, keys);
                afterBacklogGrew();
              }
            });
  }

  @Override
  public CompletableFuture<Void> clear(Namespace namespace) {
    return call(() -> delegate.clear(namespace))
        .whenComplete(
            (ok, error) -> {
              if (error != null && keep(error)) {
                backlog.addClear(namespace);
                afterBacklogGrew();
              }
            });
  }

  @Override
  public CompletableFuture<Void> publish(Namespace namespace, Invalidation message) {
    return call(() -> delegate.publish(namespace, message))
        .whenComplete(
            (ok, error) -> {
              if (error != null && keep(error) && !message.isHeartbeat() && !message.isLoaded()) {
                notices.add(namespace, message);
                afterBacklogGrew();
              }
            });
  }

  /** Subscribes through the delegate directly: a subscription is long-lived and heals itself. */
  @Override
  public AutoCloseable subscribe(Namespace namespace, InvalidationListener listener) {
    return delegate.subscribe(namespace, listener);
  }

  /** Closes the delegate. Pending invalidations are dropped (and logged). */
  @Override
  public void close() {
    closed = true;
    int pending = backlog.size();
    if (pending > 0) {
      log.warn("Closing with {} invalidations not delivered to the store", pending);
    }
    delegate.close();
  }

  /**
   * Runs one call through the breaker: refused at once while it is open, recorded as a success or
   * failure (with its duration, for the slow-call rate) when the delegate's future completes.
   */
  <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> operation) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("ResilientTierStore is closed"));
    }
    if (!breaker.tryAcquirePermission()) {
      return CompletableFuture.failedFuture(
          CallNotPermittedException.createCallNotPermittedException(breaker));
    }
    long start = breaker.getCurrentTimestamp();
    CompletableFuture<T> source;
    try {
      source = Objects.requireNonNull(operation.get(), "the store returned no future");
    } catch (RuntimeException e) {
      breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), e);
      return CompletableFuture.failedFuture(e);
    }
    // A dependent future, so a caller completing what it got never completes the delegate's.
    return source.whenComplete(new Outcome<>(start));
  }

  /** Records the outcome of one call with the breaker. */
  private final class Outcome<T> implements BiConsumer<T, Throwable> {
    private final long start;

    Outcome(long start) {
      this.start = start;
    }

    @Override
    public void accept(T value, Throwable error) {
      long elapsed = breaker.getCurrentTimestamp() - start;
      if (error == null) {
        breaker.onSuccess(elapsed, breaker.getTimestampUnit());
      } else {
        breaker.onError(elapsed, breaker.getTimestampUnit(), unwrap(error));
      }
    }
  }

  private void onStateTransition(CircuitBreakerOnStateTransitionEvent event) {
    if (closed) {
      return;
    }
    CircuitBreaker.State to = event.getStateTransition().getToState();
    outageLog.onTransition(event.getStateTransition().getFromState(), to);
    if (to == CircuitBreaker.State.HALF_OPEN) {
      replay.probe();
    } else if (letsCallsThrough(to)) {
      replay.replay();
    }
  }

  /**
   * Returns whether the breaker lets every call through in {@code state} (closed, or switched off).
   */
  static boolean letsCallsThrough(CircuitBreaker.State state) {
    return state == CircuitBreaker.State.CLOSED
        || state == CircuitBreaker.State.DISABLED
        || state == CircuitBreaker.State.METRICS_ONLY;
  }

  private void afterBacklogGrew() {
    replay.afterBacklogGrew();
  }

  /** Returns whether a failed invalidation is worth keeping (not a refusal of bad input). */
  static boolean keep(Throwable error) {
    Throwable cause = unwrap(error);
    return !(cause instanceof IllegalArgumentException || cause instanceof NullPointerException);
  }

  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
