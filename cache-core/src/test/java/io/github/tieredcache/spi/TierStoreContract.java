package io.github.tieredcache.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link TierStore} guarantees. A store's tests extend this class and say how
 * to make a store and how to let time pass; each test uses namespaces of its own, so a shared
 * server is fine.
 *
 * <p>Time: {@link #elapse(Duration)} makes at least that much time pass for the store (a fake
 * ticker advances; a real server does nothing there), and expiry is then asserted with Awaitility,
 * which holds at once for a fake clock and eventually for a real one.
 */
public abstract class TierStoreContract implements TierStoreLeaseContract {

  /** A TTL long enough that nothing in a test expires by accident. */
  protected static final Duration LONG = Duration.ofMinutes(5);

  protected TierStore store;

  /** Returns a new store; closed after each test. */
  protected abstract TierStore createStore();

  /** Lets at least {@code duration} pass for the store's notion of time. */
  protected abstract void elapse(Duration duration);

  /** Returns the longest a real store may take to drop an expired copy. */
  protected Duration expiryPatience() {
    return Duration.ofSeconds(5);
  }

  @Override
  public final TierStore contractStore() {
    return store;
  }

  @Override
  public final void elapseFor(Duration duration) {
    elapse(duration);
  }

  @BeforeEach
  void openStore() {
    store = createStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected static Namespace namespace(String... tiers) {
    return Namespace.of("contract-" + UUID.randomUUID().toString().substring(0, 8), List.of(tiers));
  }

  protected static Namespace hotWarmCold() {
    return namespace("hot", "warm", "cold");
  }

  protected static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  protected static Write write(String key, int tier, String copy, Duration ttl, long generation) {
    return new Write(bytes(key), tier, bytes(copy), ttl, generation);
  }

  protected Lookup read(Namespace ns, String key) {
    return store.read(ns, bytes(key)).join();
  }

  @Test
  void readOfUnknownKeyIsAMissAtGenerationZero() {
    Lookup lookup = read(hotWarmCold(), "nothing-here");
    assertThat(lookup.isHit()).isFalse();
    assertThat(lookup.tier()).isEqualTo(-1);
    assertThat(lookup.generation()).isZero();
  }

  @Test
  void conditionalWriteAtTheReadGenerationIsReadBackFromItsTier() {
    Namespace ns = hotWarmCold();
    long generation = read(ns, "k").generation();
    assertThat(store.writeIfGeneration(ns, write("k", 2, "cold copy", LONG, generation)).join())
        .isTrue();

    Lookup lookup = read(ns, "k");
    assertThat(lookup.tier()).isEqualTo(2);
    assertThat(lookup.copy()).isEqualTo(bytes("cold copy"));
  }

  @Test
  void readAnswersTheHottestCopy() {
    Namespace ns = hotWarmCold();
    store.writeIfGeneration(ns, write("k", 1, "warm copy", LONG, 0)).join();
    assertThat(store.promote(ns, write("k", 0, "hot copy", LONG, 0)).join()).isTrue();

    Lookup lookup = read(ns, "k");
    assertThat(lookup.tier()).isZero();
    assertThat(lookup.copy()).isEqualTo(bytes("hot copy"));
  }

  @Test
  void readAnswersTheCopyOfEveryTierThatHoldsOne() {
    Namespace ns = hotWarmCold();
    store.writeIfGeneration(ns, write("k", 2, "cold copy", LONG, 0)).join();
    assertThat(store.promote(ns, write("k", 0, "hot copy", LONG, 0)).join()).isTrue();

    Lookup lookup = read(ns, "k");
    assertThat(lookup.tierCount()).isEqualTo(3);
    assertThat(lookup.copy(0)).isEqualTo(bytes("hot copy"));
    assertThat(lookup.copy(1)).as("warm holds none").isNull();
    assertThat(lookup.copy(2))
        .as("the colder copy is reported too, so a dead hot copy cannot hide it")
        .isEqualTo(bytes("cold copy"));
    assertThat(read(ns, "nothing").tierCount()).isEqualTo(3);
  }

  @Test
  void bulkReadAnswersTheCopyOfEveryTierPerKey() {
    Namespace ns = hotWarmCold();
    store.writeIfGeneration(ns, write("a", 1, "warm a", LONG, 0)).join();
    store.promote(ns, write("a", 0, "hot a", LONG, 0)).join();

    List<Lookup> lookups = store.readAll(ns, List.of(bytes("a"), bytes("b"))).join();
    assertThat(lookups.get(0).copy(0)).isEqualTo(bytes("hot a"));
    assertThat(lookups.get(0).copy(1)).isEqualTo(bytes("warm a"));
    assertThat(lookups.get(1).isHit()).isFalse();
    assertThat(lookups.get(1).tierCount()).isEqualTo(3);
  }

  @Test
  void conditionalWriteRemovesTheKeysCopiesInOtherTiers() {
    Namespace ns = hotWarmCold();
    store.writeIfGeneration(ns, write("k", 0, "hot copy", LONG, 0)).join();
    store.writeIfGeneration(ns, write("k", 2, "cold copy", LONG, 0)).join();

    Lookup lookup = read(ns, "k");
    assertThat(lookup.tier()).isEqualTo(2);
    assertThat(lookup.copy()).isEqualTo(bytes("cold copy"));
  }

  @Test
  void removeDropsEveryTierAndAdvancesTheGeneration() {
    Namespace ns = hotWarmCold();
    store.writeIfGeneration(ns, write("k", 1, "v1", LONG, 0)).join();
    long before = read(ns, "k").generation();

    store.remove(ns, bytes("k")).join();

    Lookup after = read(ns, "k");
    assertThat(after.isHit()).isFalse();
    assertThat(after.generation()).isNotEqualTo(before);
  }

  @Test
  void conditionalWriteWithAGenerationReadBeforeARemoveFails() {
    Namespace ns = hotWarmCold();
    long seen = read(ns, "k").generation();
    store.remove(ns, bytes("k")).join();

    assertThat(store.writeIfGeneration(ns, write("k", 0, "stale load", LONG, seen)).join())
        .isFalse();
    assertThat(read(ns, "k").isHit()).isFalse();
  }

  @Test
  void putWritesUnconditionallyRemovesOtherTiersAndAdvancesTheGeneration() {
    Namespace ns = hotWarmCold();
    store.writeIfGeneration(ns, write("k", 0, "old hot", LONG, 0)).join();
    long seen = read(ns, "k").generation();

    store.put(ns, write("k", 2, "new cold", LONG, 12345)).join();

    Lookup lookup = read(ns, "k");
    assertThat(lookup.tier()).isEqualTo(2);
    assertThat(lookup.copy()).isEqualTo(bytes("new cold"));
    assertThat(lookup.generation()).isNotEqualTo(seen);
    assertThat(store.writeIfGeneration(ns, write("k", 0, "stale load", LONG, seen)).join())
        .isFalse();
    assertThat(read(ns, "k").copy()).isEqualTo(bytes("new cold"));
  }

  @Test
  void promotionNeverOverwritesACopyAlreadyInTheTargetTier() {
    Namespace ns = hotWarmCold();
    store.put(ns, write("k", 0, "newer hot", LONG, 0)).join();
    long generation = read(ns, "k").generation();

    assertThat(store.promote(ns, write("k", 0, "older warm", LONG, generation)).join()).isFalse();
    assertThat(read(ns, "k").copy()).isEqualTo(bytes("newer hot"));
  }

  @Test
  void aMoveWritesTheHotterTierAndRemovesTheCopyItCameFrom() {
    Namespace ns = hotWarmCold();
    store.writeIfGeneration(ns, write("k", 1, "warm", LONG, 0)).join();
    long seen = read(ns, "k").generation();

    assertThat(store.move(ns, write("k", 0, "warm", LONG, seen), 1).join()).isTrue();
    Lookup lookup = read(ns, "k");
    assertThat(lookup.copy(0)).isEqualTo(bytes("warm"));
    assertThat(lookup.copy(1)).as("one copy, not two").isNull();
    assertThat(lookup.generation()).as("a move is no invalidation").isEqualTo(seen);
  }

  @Test
  void aMoveThatDoesNotWriteLeavesTheColderCopyInPlace() {
    Namespace ns = hotWarmCold();
    store.writeIfGeneration(ns, write("k", 1, "warm", LONG, 0)).join();
    long seen = read(ns, "k").generation();
    store.promote(ns, write("k", 0, "hot", LONG, seen)).join();

    assertThat(store.move(ns, write("k", 0, "warm", LONG, seen), 1).join())
        .as("the hot tier holds a copy already")
        .isFalse();
    assertThat(read(ns, "k").copy(1)).isEqualTo(bytes("warm"));

    store.remove(ns, "k".getBytes(UTF_8)).join();
    store.writeIfGeneration(ns, write("k", 2, "cold", LONG, read(ns, "k").generation())).join();
    assertThat(store.move(ns, write("k", 0, "cold", LONG, seen), 2).join())
        .as("the generation moved since the read")
        .isFalse();
    assertThat(read(ns, "k").copy(2)).isEqualTo(bytes("cold"));
  }

  @Test
  void promotionFailsOnceTheGenerationMoved() {
    Namespace ns = hotWarmCold();
    store.writeIfGeneration(ns, write("k", 1, "warm", LONG, 0)).join();
    long seen = read(ns, "k").generation();
    store.put(ns, write("k", 1, "warm v2", LONG, 0)).join();

    assertThat(store.promote(ns, write("k", 0, "warm", LONG, seen)).join()).isFalse();
    Lookup lookup = read(ns, "k");
    assertThat(lookup.tier()).isEqualTo(1);
    assertThat(lookup.copy()).isEqualTo(bytes("warm v2"));
  }

  @Test
  void aCopyExpiresAfterItsTtlAndTheNextTierAnswers() {
    Namespace ns = hotWarmCold();
    store.writeIfGeneration(ns, write("k", 1, "warm", LONG, 0)).join();
    store.promote(ns, write("k", 0, "hot", Duration.ofMillis(300), 0)).join();
    assertThat(read(ns, "k").tier()).isZero();

    elapse(Duration.ofMillis(400));

    await()
        .atMost(expiryPatience())
        .untilAsserted(
            () -> {
              Lookup lookup = read(ns, "k");
              assertThat(lookup.tier()).isEqualTo(1);
              assertThat(lookup.copy()).isEqualTo(bytes("warm"));
            });
  }

  @Test
  void aGenerationLivesAsLongAsTheRetentionAndThenReadsAsZero() {
    Namespace ns =
        new Namespace("contract-" + UUID.randomUUID(), List.of("hot"), Duration.ofMillis(300));
    store.remove(ns, bytes("k")).join();
    assertThat(read(ns, "k").generation()).isNotZero();

    elapse(Duration.ofMillis(400));

    await()
        .atMost(expiryPatience())
        .untilAsserted(() -> assertThat(read(ns, "k").generation()).isZero());
  }

  @Test
  void bulkReadAnswersOneLookupPerKeyInOrder() {
    Namespace ns = hotWarmCold();
    store.writeIfGeneration(ns, write("a", 0, "A", LONG, 0)).join();
    store.writeIfGeneration(ns, write("c", 2, "C", LONG, 0)).join();

    List<Lookup> lookups = store.readAll(ns, List.of(bytes("a"), bytes("b"), bytes("c"))).join();

    assertThat(lookups).hasSize(3);
    assertThat(lookups.get(0).copy()).isEqualTo(bytes("A"));
    assertThat(lookups.get(0).tier()).isZero();
    assertThat(lookups.get(1).isHit()).isFalse();
    assertThat(lookups.get(2).copy()).isEqualTo(bytes("C"));
    assertThat(lookups.get(2).tier()).isEqualTo(2);
  }

  @Test
  void bulkConditionalWriteReportsEachOutcome() {
    Namespace ns = hotWarmCold();
    store.remove(ns, bytes("moved")).join();

    List<Boolean> outcomes =
        store
            .writeAllIfGeneration(
                ns, List.of(write("fresh", 1, "F", LONG, 0), write("moved", 1, "M", LONG, 0)))
            .join();

    assertThat(outcomes).containsExactly(true, false);
    assertThat(read(ns, "fresh").copy()).isEqualTo(bytes("F"));
    assertThat(read(ns, "moved").isHit()).isFalse();
  }

  @Test
  void bulkRemoveDropsEveryKeyAndAdvancesTheirGenerations() {
    Namespace ns = hotWarmCold();
    for (int i = 0; i < 20; i++) {
      store.writeIfGeneration(ns, write("k" + i, i % 3, "v" + i, LONG, 0)).join();
    }
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      keys.add(bytes("k" + i));
    }

    store.removeAll(ns, keys).join();

    for (int i = 0; i < 20; i++) {
      Lookup lookup = read(ns, "k" + i);
      assertThat(lookup.isHit()).as("k%d", i).isFalse();
      assertThat(store.writeIfGeneration(ns, write("k" + i, 0, "stale", LONG, 0)).join())
          .as("stale write of k%d", i)
          .isFalse();
    }
  }

  @Test
  void clearDropsEveryKeyOfTheCacheAndNoOtherCachesKeys() {
    Namespace mine = hotWarmCold();
    Namespace other = hotWarmCold();
    for (int i = 0; i < 50; i++) {
      store.writeIfGeneration(mine, write("k" + i, i % 3, "mine", LONG, 0)).join();
      store.writeIfGeneration(other, write("k" + i, i % 3, "other", LONG, 0)).join();
    }

    store.clear(mine).join();

    for (int i = 0; i < 50; i++) {
      assertThat(read(mine, "k" + i).isHit()).as("mine k%d", i).isFalse();
      assertThat(read(other, "k" + i).copy()).as("other k%d", i).isEqualTo(bytes("other"));
    }
  }

  @Test
  void aLoadThatReadBeforeAClearCannotWriteAfterIt() {
    Namespace ns = hotWarmCold();
    store.writeIfGeneration(ns, write("k", 1, "v1", LONG, 0)).join();
    long seen = read(ns, "k").generation();
    long seenAbsent = read(ns, "never-written").generation();

    store.clear(ns).join();

    assertThat(store.writeIfGeneration(ns, write("k", 1, "stale", LONG, seen)).join()).isFalse();
    assertThat(
            store
                .writeIfGeneration(ns, write("never-written", 1, "stale", LONG, seenAbsent))
                .join())
        .isFalse();
    assertThat(read(ns, "k").isHit()).isFalse();
    assertThat(read(ns, "never-written").isHit()).isFalse();
  }

  @Test
  void namespacesOfDifferentCachesNeverShareKeys() {
    Namespace a = hotWarmCold();
    Namespace b = hotWarmCold();
    store.put(a, write("k", 0, "A", LONG, 0)).join();

    assertThat(read(b, "k").isHit()).isFalse();
    store.remove(b, bytes("k")).join();
    assertThat(read(a, "k").copy()).isEqualTo(bytes("A"));
  }

  @Test
  void keysWithAnyCharactersRoundTrip() {
    Namespace ns = hotWarmCold();
    List<String> keys =
        List.of(
            "{tag}",
            "}{",
            "a*b",
            "a:b:c",
            "with space",
            "new\nline",
            "ünïcødé-ключ-鍵",
            "",
            "{",
            "}",
            "{}:{}",
            "*",
            "\u0000nul",
            "emoji-\uD83D\uDE00");
    for (String key : keys) {
      store.put(ns, write(key, 1, "value of " + key, LONG, 0)).join();
    }
    for (String key : keys) {
      assertThat(read(ns, key).copy()).as("key %s", key).isEqualTo(bytes("value of " + key));
    }
    store.remove(ns, bytes("{tag}")).join();
    assertThat(read(ns, "{tag}").isHit()).isFalse();
    assertThat(read(ns, "}{").isHit()).isTrue();
  }

  @Test
  void arbitraryBytesAreStoredAndReturnedAsTheyAre() {
    Namespace ns = hotWarmCold();
    byte[] garbage = new byte[256];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = (byte) i;
    }
    store.put(ns, new Write(bytes("k"), 2, garbage, LONG, 0)).join();
    assertThat(read(ns, "k").copy()).isEqualTo(garbage);
  }

  @Test
  void publishedInvalidationsReachEverySubscriberOfTheCacheAndNoOther() throws Exception {
    Namespace ns = hotWarmCold();
    Namespace other = hotWarmCold();
    List<Invalidation> received = new CopyOnWriteArrayList<>();
    List<Invalidation> receivedByOther = new CopyOnWriteArrayList<>();
    AtomicInteger subscribed = new AtomicInteger();
    try (AutoCloseable s1 = store.subscribe(ns, listener(received, subscribed));
        AutoCloseable s2 = store.subscribe(other, listener(receivedByOther, new AtomicInteger()))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> subscribed.get() >= 1);

      store.publish(ns, Invalidation.ofKey("instance-a", bytes("k"))).join();
      store.publish(ns, Invalidation.ofAll("instance-b")).join();

      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(received)
                      .containsExactly(
                          Invalidation.ofKey("instance-a", bytes("k")),
                          Invalidation.ofAll("instance-b")));
      assertThat(receivedByOther).isEmpty();
    }
  }

  @Test
  void aClosedSubscriptionReceivesNothingMore() throws Exception {
    Namespace ns = hotWarmCold();
    List<Invalidation> received = new CopyOnWriteArrayList<>();
    List<Invalidation> witness = new CopyOnWriteArrayList<>();
    AtomicInteger subscribed = new AtomicInteger();
    AtomicInteger witnessSubscribed = new AtomicInteger();
    AutoCloseable subscription = store.subscribe(ns, listener(received, subscribed));
    try (AutoCloseable w = store.subscribe(ns, listener(witness, witnessSubscribed))) {
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> subscribed.get() >= 1 && witnessSubscribed.get() >= 1);
      subscription.close();

      store.publish(ns, Invalidation.ofAll("x")).join();

      await().atMost(Duration.ofSeconds(5)).until(() -> witness.size() == 1);
      assertThat(received).isEmpty();
    }
  }

  @Test
  void noConditionalWriteWithAnOlderGenerationSucceedsAfterARemoveReturns() throws Exception {
    Namespace ns = hotWarmCold();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 200; round++) {
        String key = "race-" + round;
        long seen = read(ns, key).generation();
        CountDownLatch start = new CountDownLatch(1);
        Future<Boolean> writer =
            pool.submit(
                () -> {
                  start.await();
                  spin();
                  return store.writeIfGeneration(ns, write(key, 0, "loaded", LONG, seen)).join();
                });
        Future<?> remover =
            pool.submit(
                () -> {
                  start.await();
                  spin();
                  store.remove(ns, bytes(key)).join();
                  return null;
                });
        start.countDown();
        remover.get(10, TimeUnit.SECONDS);
        // Once remove returned, the key must stay empty whatever the writer did or does.
        boolean written = writer.get(10, TimeUnit.SECONDS);
        Lookup after = read(ns, key);
        if (after.isHit()) {
          throw new AssertionError(
              "round "
                  + round
                  + ": a write with the pre-remove generation survived the remove (written="
                  + written
                  + ")");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void spin() {
    long until = System.nanoTime() + ThreadLocalRandom.current().nextLong(200_000);
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }

  private static InvalidationListener listener(List<Invalidation> sink, AtomicInteger subscribed) {
    return new InvalidationListener() {
      @Override
      public void onInvalidation(Invalidation message) {
        sink.add(message);
      }

      @Override
      public void onSubscribed() {
        subscribed.incrementAndGet();
      }
    };
  }
}
