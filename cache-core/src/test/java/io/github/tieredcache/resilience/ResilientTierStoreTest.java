package io.github.tieredcache.resilience;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.tieredcache.memory.InMemoryTierStore;
import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.InvalidationListener;
import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.ShardUnavailableException;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spi.Write;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The breaker, the timeout and the invalidation backlog of {@link ResilientTierStore}, over an
 * in-memory store that can be switched to failing or hanging.
 */
@SuppressWarnings("try") // subscriptions held open by try-with-resources
class ResilientTierStoreTest {

  private static final Duration LONG = Duration.ofMinutes(5);
  private static final Namespace NS = Namespace.of("users", List.of("hot", "warm"));
  private static final Namespace OTHER = Namespace.of("orders", List.of("hot", "warm"));

  private final FlakyStore flaky = new FlakyStore();
  private ResilientTierStore store;

  private static final ResilientTierStoreOptions FAST =
      ResilientTierStoreOptions.builder()
          .slidingWindowSize(4)
          .minimumNumberOfCalls(4)
          .waitDurationInOpenState(Duration.ofMillis(750)) // long enough to set up while open
          .permittedCallsInHalfOpenState(2)
          .replayRetryInterval(Duration.ofMillis(100))
          .build();

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static Write write(String key, String value) {
    return new Write(b(key), 1, b(value), LONG, 0);
  }

  private void openTheBreaker() {
    flaky.failing = true;
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> store.read(NS, b("x")).join())
          .isInstanceOf(CompletionException.class);
    }
    assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void whileOpenCallsFailAtOnceWithoutReachingTheStore() {
    store = ResilientTierStore.wrap(flaky, FAST.toBuilder().waitDurationInOpenState(LONG).build());
    openTheBreaker();
    int before = flaky.calls.get();

    for (int i = 0; i < 1_000; i++) {
      CompletableFuture<Lookup> read = store.read(NS, b("x"));
      assertThat(read).as("failed before returning").isCompletedExceptionally();
      assertThatThrownBy(read::join).hasCauseInstanceOf(CallNotPermittedException.class);
    }
    assertThat(flaky.calls.get()).isEqualTo(before);
  }

  @Test
  void oneShardFailingNeverOpensTheBreakerForTheOthers() {
    store = ResilientTierStore.wrap(flaky, FAST);
    flaky.shardFailing = true;

    for (int i = 0; i < 100; i++) {
      assertThatThrownBy(() -> store.read(NS, b("x")).join())
          .hasCauseInstanceOf(ShardUnavailableException.class);
    }

    assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(store.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
    flaky.shardFailing = false;
    assertThat(store.read(NS, b("x")).join().isHit()).isFalse();
  }

  @Test
  void theBreakerClosesByItselfOnceTheStoreIsBackWithoutAnyTraffic() {
    store = ResilientTierStore.wrap(flaky, FAST);
    openTheBreaker();
    flaky.failing = false;

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> store.circuitBreaker().getState() == CircuitBreaker.State.CLOSED);
  }

  @Test
  void failedRemovesAreReplayedWhenTheBreakerCloses() {
    store = ResilientTierStore.wrap(flaky, FAST);
    flaky.memory.put(NS, write("a", "A")).join();
    flaky.memory.put(NS, write("b", "B")).join();
    openTheBreaker();

    assertThatThrownBy(() -> store.remove(NS, b("a")).join())
        .isInstanceOf(CompletionException.class);
    assertThatThrownBy(() -> store.removeAll(NS, List.of(b("b"))).join())
        .isInstanceOf(CompletionException.class);
    assertThat(store.pendingInvalidations()).isEqualTo(2);
    assertThat(flaky.memory.read(NS, b("a")).join().isHit()).isTrue();

    flaky.failing = false;

    await().atMost(Duration.ofSeconds(10)).until(() -> store.pendingInvalidations() == 0);
    assertThat(flaky.memory.read(NS, b("a")).join().isHit()).isFalse();
    assertThat(flaky.memory.read(NS, b("b")).join().isHit()).isFalse();
    assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  /** Collects the messages published on {@link #NS} of the flaky store's memory. */
  private List<Invalidation> listen() {
    List<Invalidation> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    flaky.memory.subscribe(
        NS,
        new InvalidationListener() {
          @Override
          public void onInvalidation(Invalidation message) {
            heard.add(message);
          }

          @Override
          public void onSubscribed() {}
        });
    return heard;
  }

  @Test
  void aReplayedRemovalIsFollowedByAMessageThatDropsTheKeyFromEveryL0() {
    store = ResilientTierStore.wrap(flaky, FAST);
    List<Invalidation> heard = listen();
    flaky.memory.put(NS, write("a", "A")).join();
    openTheBreaker();
    assertThatThrownBy(() -> store.remove(NS, b("a")).join())
        .isInstanceOf(CompletionException.class);

    flaky.failing = false;

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                heard.stream()
                    .anyMatch(
                        m -> m.kind() == Invalidation.Kind.KEY && Arrays.equals(m.key(), b("a"))));
    assertThat(flaky.memory.read(NS, b("a")).join().isHit())
        .as("the removal landed before the message")
        .isFalse();
  }

  @Test
  void aMessageThatCouldNotBePublishedIsKeptAndPublishedOnceTheStoreIsBack() {
    store = ResilientTierStore.wrap(flaky, FAST);
    List<Invalidation> heard = listen();
    openTheBreaker();
    Invalidation message = Invalidation.ofKey("instance-1", 7, b("k"));
    assertThatThrownBy(() -> store.publish(NS, message).join())
        .isInstanceOf(CompletionException.class);
    assertThatThrownBy(() -> store.publish(NS, Invalidation.heartbeat("instance-1", 7)).join())
        .isInstanceOf(CompletionException.class);
    assertThat(store.pendingInvalidations()).as("the heartbeat is not kept").isEqualTo(1);

    flaky.failing = false;

    await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains(message));
    assertThat(heard).noneMatch(Invalidation::isHeartbeat);
    await().until(() -> store.pendingInvalidations() == 0);
  }

  @Test
  void aReadOfAKeyWhoseRemovalIsPendingIsRefusedWithoutAskingTheStore() {
    store =
        ResilientTierStore.wrap(
            flaky,
            FAST.toBuilder().waitDurationInOpenState(LONG).replayRetryInterval(LONG).build());
    flaky.memory.put(NS, write("a", "A")).join();
    openTheBreaker();
    assertThatThrownBy(() -> store.remove(NS, b("a")).join())
        .isInstanceOf(CompletionException.class);
    // Closing replays at once, while the store still fails: the removal goes back and waits.
    store.circuitBreaker().transitionToClosedState();
    await().until(() -> store.pendingInvalidations() == 1);
    flaky.failing = false;
    int before = flaky.calls.get();

    assertThatThrownBy(() -> store.read(NS, b("a")).join())
        .hasCauseInstanceOf(PendingInvalidationException.class);
    assertThatThrownBy(() -> store.readAll(NS, List.of(b("z"), b("a"))).join())
        .hasCauseInstanceOf(PendingInvalidationException.class);
    assertThat(flaky.calls.get()).as("the store was not asked").isEqualTo(before);
    assertThat(store.read(NS, b("other")).join().isHit()).as("other keys are read").isFalse();
  }

  @Test
  void aFailedPutIsReplayedAsARemovalSoNeitherTheOldNorTheLateValueSurvives() {
    store = ResilientTierStore.wrap(flaky, FAST);
    flaky.memory.put(NS, write("k", "old")).join();
    openTheBreaker();

    assertThatThrownBy(() -> store.put(NS, write("k", "new")).join())
        .isInstanceOf(CompletionException.class);
    flaky.failing = false;

    await().atMost(Duration.ofSeconds(10)).until(() -> store.pendingInvalidations() == 0);
    Lookup lookup = flaky.memory.read(NS, b("k")).join();
    assertThat(lookup.isHit()).isFalse();
    assertThat(lookup.generation()).isNotZero();
  }

  @Test
  void pastTheBoundTheNamespaceIsClearedOnceTheStoreIsBackAndNoOtherNamespaceIsTouched() {
    store = ResilientTierStore.wrap(flaky, FAST.toBuilder().backlogCapacity(3).build());
    for (int i = 0; i < 5; i++) {
      flaky.memory.put(NS, write("k" + i, "v")).join();
    }
    flaky.memory.put(OTHER, write("k0", "other")).join();
    openTheBreaker();

    for (int i = 0; i < 5; i++) {
      int n = i;
      assertThatThrownBy(() -> store.remove(NS, b("k" + n)).join())
          .isInstanceOf(CompletionException.class);
    }
    assertThat(store.pendingInvalidations()).isEqualTo(1); // one clear of NS replaced its removals
    assertThat(store.backlogOverflows()).isEqualTo(1);
    flaky.failing = false;

    await().atMost(Duration.ofSeconds(10)).until(() -> store.pendingInvalidations() == 0);
    assertThat(flaky.clears.get()).isEqualTo(1);
    for (int i = 0; i < 5; i++) {
      assertThat(flaky.memory.read(NS, b("k" + i)).join().isHit()).isFalse();
    }
    assertThat(flaky.memory.read(OTHER, b("k0")).join().copy()).isEqualTo(b("other"));
  }

  @Test
  void aFailedClearIsReplayed() {
    store = ResilientTierStore.wrap(flaky, FAST);
    flaky.memory.put(NS, write("k", "v")).join();
    openTheBreaker();

    assertThatThrownBy(() -> store.clear(NS).join()).isInstanceOf(CompletionException.class);
    flaky.failing = false;

    await().atMost(Duration.ofSeconds(10)).until(() -> store.pendingInvalidations() == 0);
    assertThat(flaky.memory.read(NS, b("k")).join().isHit()).isFalse();
  }

  @Test
  void failedConditionalWritesAndPromotionsAreDropped() {
    store = ResilientTierStore.wrap(flaky, FAST);
    openTheBreaker();

    assertThatThrownBy(() -> store.writeIfGeneration(NS, write("k", "v")).join())
        .isInstanceOf(CompletionException.class);
    assertThatThrownBy(() -> store.writeAllIfGeneration(NS, List.of(write("k", "v"))).join())
        .isInstanceOf(CompletionException.class);
    assertThatThrownBy(() -> store.promote(NS, write("k", "v")).join())
        .isInstanceOf(CompletionException.class);
    assertThat(store.pendingInvalidations()).isZero();
  }

  @Test
  void aFailureThatLeavesTheBreakerClosedIsRetriedShortly() {
    store = ResilientTierStore.wrap(flaky, FAST);
    flaky.memory.put(NS, write("k", "v")).join();
    flaky.failing = true;

    assertThatThrownBy(() -> store.remove(NS, b("k")).join())
        .isInstanceOf(CompletionException.class);
    assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    flaky.failing = false;

    await().atMost(Duration.ofSeconds(10)).until(() -> store.pendingInvalidations() == 0);
    assertThat(flaky.memory.read(NS, b("k")).join().isHit()).isFalse();
  }

  @Test
  void withTheBreakerSwitchedOffFailedInvalidationsAreStillReplayed() {
    store = ResilientTierStore.wrap(flaky, FAST);
    store.circuitBreaker().transitionToDisabledState();
    flaky.memory.put(NS, write("k", "v")).join();
    flaky.failing = true;

    assertThatThrownBy(() -> store.remove(NS, b("k")).join())
        .isInstanceOf(CompletionException.class);
    flaky.failing = false;

    await().atMost(Duration.ofSeconds(10)).until(() -> store.pendingInvalidations() == 0);
    assertThat(flaky.memory.read(NS, b("k")).join().isHit()).isFalse();
  }

  @Test
  void theStoresOwnTimeoutIsTheOnlyOneACallHasAndItCountsAsAFailure() {
    store = ResilientTierStore.wrap(flaky, FAST);
    flaky.hanging = true;

    CompletableFuture<Lookup> call = store.read(NS, b("k"));
    assertThat(call).as("the decorator adds no timeout: the call waits for the store").isNotDone();
    assertThat(store.circuitBreaker().getMetrics().getNumberOfBufferedCalls()).isZero();

    flaky.hung.get(0).completeExceptionally(new TimeoutException("the store's command timeout"));

    assertThatThrownBy(call::join).hasCauseInstanceOf(TimeoutException.class);
    assertThat(store.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
  }

  @Test
  void badInputIsNotABreakerFailureAndIsNotKept() {
    store = ResilientTierStore.wrap(flaky, FAST);
    Write badTier = new Write(b("k"), 7, b("v"), LONG, 0);
    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(() -> store.put(NS, badTier).join())
          .hasCauseInstanceOf(IllegalArgumentException.class);
    }
    assertThat(store.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
    assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(store.pendingInvalidations()).isZero();
  }

  @Test
  void subscriptionsBypassTheBreaker() throws Exception {
    store = ResilientTierStore.wrap(flaky, FAST.toBuilder().waitDurationInOpenState(LONG).build());
    openTheBreaker();
    List<Invalidation> received = new ArrayList<>();
    try (AutoCloseable s =
        store.subscribe(
            NS,
            new InvalidationListener() {
              @Override
              public void onInvalidation(Invalidation message) {
                received.add(message);
              }

              @Override
              public void onSubscribed() {}
            })) {
      flaky.memory.publish(NS, Invalidation.ofAll("me")).join();
    }
    assertThat(received).containsExactly(Invalidation.ofAll("me"));
  }

  @Test
  void optionsAreValidatedAndDescribeTheBreaker() {
    assertThatThrownBy(() -> ResilientTierStoreOptions.builder().failureRateThreshold(0))
        .hasMessageContaining("failureRateThreshold");
    assertThatThrownBy(() -> ResilientTierStoreOptions.builder().backlogCapacity(0))
        .hasMessageContaining("backlogCapacity");
    ResilientTierStoreOptions defaults = ResilientTierStoreOptions.defaults();
    assertThat(defaults.toBuilder().build()).isEqualTo(defaults);
    var config = defaults.toCircuitBreakerConfig();
    assertThat(config.getFailureRateThreshold())
        .isEqualTo(ResilientTierStoreOptions.DEFAULT_FAILURE_RATE_THRESHOLD);
    assertThat(config.getWaitIntervalFunctionInOpenState().apply(1))
        .isEqualTo(ResilientTierStoreOptions.DEFAULT_WAIT_DURATION_IN_OPEN_STATE.toMillis());
    assertThat(config.isAutomaticTransitionFromOpenToHalfOpenEnabled()).isTrue();
  }

  /** An in-memory store that can fail or hang on demand, and counts what reaches it. */
  static final class FlakyStore implements TierStore {
    final InMemoryTierStore memory = new InMemoryTierStore();
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger clears = new AtomicInteger();
    volatile boolean failing;
    volatile boolean shardFailing;
    volatile boolean hanging;
    final List<CompletableFuture<?>> hung = new java.util.concurrent.CopyOnWriteArrayList<>();

    private <T> CompletableFuture<T> run(Supplier<CompletableFuture<T>> operation) {
      calls.incrementAndGet();
      if (hanging) {
        CompletableFuture<T> pending = new CompletableFuture<>();
        hung.add(pending);
        return pending;
      }
      if (failing) {
        return CompletableFuture.failedFuture(new IllegalStateException("store is down"));
      }
      if (shardFailing) {
        return CompletableFuture.failedFuture(new ShardUnavailableException("one shard is down"));
      }
      return operation.get();
    }

    @Override
    public CompletableFuture<Lookup> read(Namespace namespace, byte[] key) {
      return run(() -> memory.read(namespace, key));
    }

    @Override
    public CompletableFuture<List<Lookup>> readAll(Namespace namespace, List<byte[]> keys) {
      return run(() -> memory.readAll(namespace, keys));
    }

    @Override
    public CompletableFuture<Boolean> writeIfGeneration(Namespace namespace, Write write) {
      return run(() -> memory.writeIfGeneration(namespace, write));
    }

    @Override
    public CompletableFuture<List<Boolean>> writeAllIfGeneration(
        Namespace namespace, List<Write> writes) {
      return run(() -> memory.writeAllIfGeneration(namespace, writes));
    }

    @Override
    public CompletableFuture<Boolean> promote(Namespace namespace, Write write) {
      return run(() -> memory.promote(namespace, write));
    }

    @Override
    public CompletableFuture<Void> put(Namespace namespace, Write write) {
      return run(() -> memory.put(namespace, write));
    }

    @Override
    public CompletableFuture<Void> remove(Namespace namespace, byte[] key) {
      return run(() -> memory.remove(namespace, key));
    }

    @Override
    public CompletableFuture<Void> removeAll(Namespace namespace, List<byte[]> keys) {
      return run(() -> memory.removeAll(namespace, keys));
    }

    @Override
    public CompletableFuture<Void> clear(Namespace namespace) {
      return run(
          () -> {
            clears.incrementAndGet();
            return memory.clear(namespace);
          });
    }

    @Override
    public CompletableFuture<Void> publish(Namespace namespace, Invalidation message) {
      return run(() -> memory.publish(namespace, message));
    }

    @Override
    public AutoCloseable subscribe(Namespace namespace, InvalidationListener listener) {
      return memory.subscribe(namespace, listener);
    }

    @Override
    public void close() {
      memory.close();
    }
  }
}
