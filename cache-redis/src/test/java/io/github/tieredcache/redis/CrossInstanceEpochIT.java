package io.github.tieredcache.redis;

import static io.github.tieredcache.redis.TestRedis.ascii;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.InvalidationListener;
import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.Write;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a {@code clear} made by one instance reaches another that cached the old epoch: through the
 * epoch every message carries (taken before the listener hears it), and the periodic reread; and
 * how a put or remove by an instance that has not heard yet still removes the newer epoch's copy.
 */
@SuppressWarnings("try") // subscriptions held open by try-with-resources
class CrossInstanceEpochIT {

  private static final Duration LONG = Duration.ofMinutes(5);
  private final List<RedisTierStore> stores = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    stores.forEach(RedisTierStore::close);
  }

  private RedisTierStore store(Duration epochRefresh) {
    RedisTierStore store =
        TestRedis.onSharedCluster().options(o -> o.epochRefreshInterval(epochRefresh)).build();
    stores.add(store);
    return store;
  }

  @Test
  void aListenerHearingAClearReadsTheNewEpochAtOnce() throws Exception {
    RedisTierStore a = store(Duration.ofHours(1));
    RedisTierStore b = store(Duration.ofHours(1));
    Namespace ns = TestRedis.uniqueNamespace("hot");
    a.put(ns, new Write(ascii("k"), 0, ascii("v"), LONG, 0)).join();
    assertThat(b.read(ns, ascii("k")).join().isHit()).isTrue(); // b caches epoch 0
    List<CompletableFuture<Lookup>> readsOnMessage = new CopyOnWriteArrayList<>();
    List<Integer> subscribed = new CopyOnWriteArrayList<>();
    try (AutoCloseable s =
        b.subscribe(
            ns,
            new InvalidationListener() {
              @Override
              public void onInvalidation(Invalidation message) {
                // What a cache does on "all": empty its L0, then the next get reads the store.
                readsOnMessage.add(b.read(ns, ascii("k")));
              }

              @Override
              public void onSubscribed() {
                subscribed.add(1);
              }
            })) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !subscribed.isEmpty());

      a.clear(ns).join();
      a.put(ns, new Write(ascii("k"), 0, ascii("v2"), LONG, 0)).join(); // in the new epoch
      // b has not heard: it reads the retired epoch, the old copy or nothing (the clear's sweep may
      // have removed it already), never the new epoch's.
      Lookup before = b.read(ns, ascii("k")).join();
      if (before.isHit()) {
        assertThat(new String(before.copy(), US_ASCII)).as("b before hearing").isEqualTo("v");
      }
      a.publish(ns, Invalidation.ofAll("a")).join();

      await().atMost(Duration.ofSeconds(5)).until(() -> readsOnMessage.size() == 1);
      Lookup heard = readsOnMessage.get(0).join();
      assertThat(heard.isHit()).as("b, hearing the clear, reads the new epoch").isTrue();
      assertThat(new String(heard.copy(), US_ASCII)).isEqualTo("v2");
    }
  }

  @Test
  void withoutAMessageThePeriodicRereadEndsTheWindow() {
    RedisTierStore a = store(Duration.ofHours(1));
    RedisTierStore b = store(Duration.ofMillis(200));
    Namespace ns = TestRedis.uniqueNamespace("hot");
    a.put(ns, new Write(ascii("k"), 0, ascii("v"), LONG, 0)).join();
    assertThat(b.read(ns, ascii("k")).join().isHit()).isTrue();

    a.clear(ns).join();

    await().atMost(Duration.ofSeconds(5)).until(() -> !b.read(ns, ascii("k")).join().isHit());
  }

  @Test
  void aRemoveByAnInstanceThatMissedTheClearStillRemovesTheCopyInTheNewEpoch() {
    RedisTierStore a = store(Duration.ofHours(1));
    RedisTierStore lagging = store(Duration.ofHours(1));
    Namespace ns = TestRedis.uniqueNamespace("hot", "warm");
    assertThat(lagging.read(ns, ascii("k")).join().isHit()).isFalse(); // caches epoch 0
    a.clear(ns).join(); // epoch 1; lagging does not know
    long g = a.read(ns, ascii("k")).join().generation();
    assertThat(
            a.writeIfGeneration(ns, new Write(ascii("k"), 1, ascii("loaded in epoch 1"), LONG, g))
                .join())
        .isTrue();

    lagging.remove(ns, ascii("k")).join();

    assertThat(a.read(ns, ascii("k")).join().isHit()).isFalse();
    assertThat(lagging.read(ns, ascii("k")).join().isHit()).isFalse();
  }

  @Test
  void aPutByAnInstanceThatMissedTheClearRemovesTheNewEpochsOlderCopy() {
    RedisTierStore a = store(Duration.ofHours(1));
    RedisTierStore lagging = store(Duration.ofHours(1));
    Namespace ns = TestRedis.uniqueNamespace("hot", "warm");
    assertThat(lagging.read(ns, ascii("k")).join().isHit()).isFalse();
    a.clear(ns).join();
    long g = a.read(ns, ascii("k")).join().generation();
    a.writeIfGeneration(ns, new Write(ascii("k"), 0, ascii("old"), LONG, g)).join();

    lagging.put(ns, new Write(ascii("k"), 1, ascii("new"), LONG, 0)).join();

    // The new value lands in the epoch the lagging instance knows; in the new one the older copy
    // is gone, so a loads (and reads the new value from the database) instead of serving "old".
    assertThat(a.read(ns, ascii("k")).join().isHit()).isFalse();
    // The lagging instance's own copy sits in the retired epoch, which a's clear is sweeping in the
    // background: it reads its new value or, once swept, a miss; never the older one.
    byte[] seenByLagging = lagging.read(ns, ascii("k")).join().copy();
    assertThat(seenByLagging == null || Arrays.equals(seenByLagging, ascii("new")))
        .as("lagging reads %s", seenByLagging == null ? "a miss" : new String(seenByLagging))
        .isTrue();
    // And the load a started before the put cannot write any more.
    assertThat(a.writeIfGeneration(ns, new Write(ascii("k"), 0, ascii("old"), LONG, g)).join())
        .isFalse();
  }

  @Test
  void everyMessageCarriesItsSendersEpochSoAKeyMessageEndsTheWindowToo() throws Exception {
    RedisTierStore a = store(Duration.ofHours(1));
    RedisTierStore b = store(Duration.ofHours(1));
    Namespace ns = TestRedis.uniqueNamespace("hot");
    a.put(ns, new Write(ascii("k"), 0, ascii("v"), LONG, 0)).join();
    assertThat(b.read(ns, ascii("k")).join().isHit()).isTrue(); // b caches epoch 0
    List<Invalidation> heard = new CopyOnWriteArrayList<>();
    List<Integer> subscribed = new CopyOnWriteArrayList<>();
    try (AutoCloseable s =
        b.subscribe(
            ns,
            new InvalidationListener() {
              @Override
              public void onInvalidation(Invalidation message) {
                heard.add(message);
              }

              @Override
              public void onSubscribed() {
                subscribed.add(1);
              }
            })) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !subscribed.isEmpty());
      a.clear(ns).join();
      a.put(ns, new Write(ascii("k"), 0, ascii("v2"), LONG, 0)).join(); // in the new epoch
      Lookup before = b.read(ns, ascii("k")).join(); // the retired epoch: "v" or swept
      if (before.isHit()) {
        assertThat(new String(before.copy(), US_ASCII)).as("b before hearing").isEqualTo("v");
      }

      // Not the clear's "all" message: a heartbeat, which names no key and reads nothing.
      a.publish(ns, Invalidation.heartbeat("a", 0)).join();

      await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 1);
      Lookup after = b.read(ns, ascii("k")).join();
      assertThat(after.isHit()).as("b, having heard a's epoch, reads the new epoch").isTrue();
      assertThat(new String(after.copy(), US_ASCII)).isEqualTo("v2");
    }
  }

  @Test
  void aLoadThatReadBeforeAnotherInstancesClearIsInvisibleToInstancesThatKnowTheClear() {
    RedisTierStore a = store(Duration.ofHours(1));
    RedisTierStore lagging = store(Duration.ofHours(1));
    Namespace ns = TestRedis.uniqueNamespace("hot");
    long seen = lagging.read(ns, ascii("k")).join().generation();

    a.clear(ns).join();
    lagging.writeIfGeneration(ns, new Write(ascii("k"), 0, ascii("stale"), LONG, seen)).join();

    assertThat(a.read(ns, ascii("k")).join().isHit()).isFalse();
    RedisTierStore fresh = store(Duration.ofHours(1));
    assertThat(fresh.read(ns, ascii("k")).join().isHit()).isFalse();
  }

  @Test
  void anEpochThatWentBackIsRaisedAgainByAnInstanceThatSawIt() {
    RedisTierStore a = store(Duration.ofMillis(100));
    Namespace ns = TestRedis.uniqueNamespace("hot");
    a.clear(ns).join();
    a.clear(ns).join(); // epoch 2
    byte[] epochKey = ascii("tc:" + ns.cacheName() + ":epoch");
    TestRedis.onSharedCluster(
        c -> c.sync().del(epochKey)); // lost, e.g. a failover before replication

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(storedEpoch(epochKey)).isEqualTo("2"));
  }

  @Test
  void aClearMovesPastBothTheStoredEpochAndTheOneItsInstanceSaw() {
    RedisTierStore a = store(Duration.ofHours(1));
    Namespace ns = TestRedis.uniqueNamespace("hot");
    a.clear(ns).join();
    a.clear(ns).join(); // a saw 2
    byte[] epochKey = ascii("tc:" + ns.cacheName() + ":epoch");
    TestRedis.onSharedCluster(c -> c.sync().set(epochKey, ascii("1"))); // went back

    a.clear(ns).join();

    assertThat(storedEpoch(epochKey)).isEqualTo("3");
    RedisTierStore b = store(Duration.ofHours(1));
    b.clear(ns).join(); // b saw nothing: moves past the stored one
    assertThat(storedEpoch(epochKey)).isEqualTo("4");
  }

  private static String storedEpoch(byte[] epochKey) {
    byte[] stored = TestRedis.onSharedCluster(c -> c.sync().get(epochKey));
    return stored == null ? null : new String(stored, java.nio.charset.StandardCharsets.US_ASCII);
  }
}
