package io.github.tieredcache.redis;

import static io.github.tieredcache.redis.TestRedis.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.tieredcache.redis.testkit.LocalRedisServer;
import io.github.tieredcache.resilience.ResilientTierStore;
import io.github.tieredcache.resilience.ResilientTierStoreOptions;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.Write;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ResilientTierStore} around a real {@link RedisTierStore} whose private server is stopped
 * or paused: calls fail fast once the breaker is open, the breaker closes by itself after Redis is
 * back, and the invalidations the outage kept from Redis are replayed.
 */
class ResilientTierStoreIT {

  private static final Duration LONG = Duration.ofMinutes(5);
  private static final ResilientTierStoreOptions FAST =
      ResilientTierStoreOptions.builder()
          .slidingWindowSize(4)
          .minimumNumberOfCalls(4)
          .waitDurationInOpenState(Duration.ofSeconds(1))
          .permittedCallsInHalfOpenState(2)
          .build();

  private LocalRedisServer server;
  private ResilientTierStore store;

  @BeforeEach
  void open() {
    server = LocalRedisServer.start();
    // The store owns its client resources: reconnect attempts at most 1 s apart.
    store = ResilientTierStore.wrap(RedisTierStore.standalone(server.uri()).build(), FAST);
  }

  @AfterEach
  void close() {
    store.close();
    server.close();
  }

  private void fillKeys(Namespace ns, int n) {
    for (int i = 0; i < n; i++) {
      store.put(ns, new Write(ascii("k" + i), 0, ascii("v" + i), LONG, 0)).join();
    }
  }

  @Test
  void withTheServerStoppedCallsFailFastAndAfterItsRestartTheBreakerClosesAndRemovesAreReplayed() {
    Namespace ns = TestRedis.uniqueNamespace("hot");
    fillKeys(ns, 5);
    server.stop();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              store.read(ns, ascii("k0")).exceptionally(e -> null).join();
              return store.circuitBreaker().getState() == CircuitBreaker.State.OPEN;
            });
    assertThatThrownBy(() -> store.read(ns, ascii("k0")).join())
        .hasCauseInstanceOf(CallNotPermittedException.class);
    // While the breaker is open a read fails before it returns: the caller never waits. Only the
    // reads issued while the breaker was open count (it turns half-open after its wait).
    byte[] key = ascii("k0");
    int whileOpen = 0;
    int failedAtOnce = 0;
    for (int i = 0; i < 10_000; i++) {
      boolean open = store.circuitBreaker().getState() == CircuitBreaker.State.OPEN;
      boolean failed = store.read(ns, key).isCompletedExceptionally();
      if (open && store.circuitBreaker().getState() == CircuitBreaker.State.OPEN) {
        whileOpen++;
        failedAtOnce += failed ? 1 : 0;
      }
    }
    System.out.printf(
        "while open: %d of %d reads failed before returning%n", failedAtOnce, whileOpen);
    assertThat(whileOpen).isPositive();
    assertThat(failedAtOnce).isEqualTo(whileOpen);

    for (int i = 0; i < 3; i++) {
      int n = i;
      assertThatThrownBy(() -> store.remove(ns, ascii("k" + n)).join())
          .isInstanceOf(CompletionException.class);
    }
    assertThat(store.pendingInvalidations()).isEqualTo(3);

    long restartedAt = System.nanoTime();
    server.restart(); // comes back empty
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                store.circuitBreaker().getState() == CircuitBreaker.State.CLOSED
                    && store.pendingInvalidations() == 0);
    System.out.printf(
        "breaker closed and backlog replayed %d ms after the restart returned%n",
        (System.nanoTime() - restartedAt) / 1_000_000);

    // The replayed removals advanced the generations of exactly the removed keys.
    for (int i = 0; i < 5; i++) {
      long generation = store.read(ns, ascii("k" + i)).join().generation();
      assertThat(generation != 0).as("k%d removed during the outage", i).isEqualTo(i < 3);
    }
  }

  @Test
  void withTheServerPausedNoRemovedEntryOutlivesTheOutage() {
    Namespace ns = TestRedis.uniqueNamespace("hot");
    fillKeys(ns, 6);
    server.pause(Duration.ofSeconds(3));

    // Four reads time out (500 ms command timeout) and open the breaker.
    List<CompletableFuture<?>> reads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      reads.add(store.read(ns, ascii("k0")).exceptionally(e -> null));
    }
    reads.forEach(CompletableFuture::join);
    assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    // Refused by the open breaker (or, on a slow machine, timed out against the paused server).
    assertThatThrownBy(
            () -> store.removeAll(ns, List.of(ascii("k0"), ascii("k1"), ascii("k2"))).join())
        .isInstanceOf(CompletionException.class);
    assertThatThrownBy(
            () -> store.put(ns, new Write(ascii("k3"), 0, ascii("late"), LONG, 0)).join())
        .isInstanceOf(CompletionException.class);
    assertThat(store.pendingInvalidations()).isEqualTo(4);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                store.circuitBreaker().getState() == CircuitBreaker.State.CLOSED
                    && store.pendingInvalidations() == 0);

    for (int i = 0; i < 6; i++) {
      assertThat(store.read(ns, ascii("k" + i)).join().isHit()).as("k%d", i).isEqualTo(i >= 4);
    }
  }

  @Test
  void pastTheBacklogBoundTheWholeCacheIsClearedOnceRedisIsBack() {
    store.close();
    store =
        ResilientTierStore.wrap(
            RedisTierStore.standalone(server.uri()).build(),
            FAST.toBuilder().backlogCapacity(2).build());
    Namespace ns = TestRedis.uniqueNamespace("hot");
    Namespace other = TestRedis.uniqueNamespace("hot");
    fillKeys(ns, 5);
    store.put(other, new Write(ascii("k0"), 0, ascii("other"), LONG, 0)).join();
    server.pause(Duration.ofSeconds(3));
    List<CompletableFuture<?>> reads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      reads.add(store.read(ns, ascii("k0")).exceptionally(e -> null));
    }
    reads.forEach(CompletableFuture::join);

    store
        .removeAll(ns, List.of(ascii("k0"), ascii("k1"), ascii("k2")))
        .exceptionally(e -> null)
        .join();
    assertThat(store.backlogOverflows()).isPositive();

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                store.circuitBreaker().getState() == CircuitBreaker.State.CLOSED
                    && store.pendingInvalidations() == 0);
    for (int i = 0; i < 5; i++) {
      assertThat(store.read(ns, ascii("k" + i)).join().isHit()).as("k%d", i).isFalse();
    }
    assertThat(store.read(other, ascii("k0")).join().copy()).isEqualTo(ascii("other"));
  }
}
