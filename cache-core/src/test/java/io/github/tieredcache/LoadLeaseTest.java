package io.github.tieredcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.codec.ValueCodec;
import io.github.tieredcache.memory.InMemoryTierStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code TieredCacheBuilder.loadLease}: instances of one cache on one store (the fleet), a key that
 * misses on all of them at once, and a loader whose completion the test controls. Everything runs
 * on the calling thread (direct executors, the in-memory store delivers messages at once), so each
 * assertion holds the moment the step before it returns; time is a fake ticker, but for the one
 * test of a lease that runs out.
 */
class LoadLeaseTest {

  private static final Duration TTL = Duration.ofSeconds(60);
  private static final int INSTANCES = 8;

  private final FakeTicker ticker = new FakeTicker();
  private final InMemoryTierStore store = new InMemoryTierStore(ticker);
  private final List<TieredCache<String, String>> fleet = new ArrayList<>();

  private final PendingLoader loader = new PendingLoader();
  private final AtomicInteger loads = loader.calls;
  private final List<CompletableFuture<String>> inProgress = loader.inProgress;

  @AfterEach
  void closeFleet() {
    fleet.forEach(TieredCache::close);
  }

  private List<TieredCache<String, String>> fleet(Duration lease, Tier tier) {
    for (int i = 0; i < INSTANCES; i++) {
      TieredCacheBuilder<String, String> builder =
          TieredCache.<String, String>builder()
              .name("posts")
              .store(store)
              .tiers(tier)
              .ttlJitter(0)
              .l0Disabled()
              .ticker(ticker)
              .clock(ticker.clock())
              .executor(Runnable::run)
              .valueCodec(ValueCodec.utf8());
      fleet.add(builder.loadLease(lease).build());
    }
    return fleet;
  }

  private List<TieredCache<String, String>> fleet(Duration lease) {
    return fleet(lease, Tier.named("hot").ttl(TTL));
  }

  private List<CompletableFuture<String>> everyInstanceReads(String key) {
    List<CompletableFuture<String>> reads = new ArrayList<>();
    for (TieredCache<String, String> cache : fleet) {
      reads.add(cache.getAsync(key, loader));
    }
    return reads;
  }

  private static long leaseWaits(List<TieredCache<String, String>> fleet) {
    return fleet.stream().mapToLong(c -> c.stats().leaseWaits()).sum();
  }

  @Test
  void aKeyMissingOnEveryInstanceAtOnceIsLoadedOnceForTheFleet() {
    fleet(Duration.ofSeconds(2));
    List<CompletableFuture<String>> reads = everyInstanceReads("p1");
    assertThat(loads).as("one instance holds the lease and loads").hasValue(1);
    assertThat(reads).allMatch(read -> !read.isDone());
    assertThat(leaseWaits(fleet)).isEqualTo(INSTANCES - 1);

    inProgress.get(0).complete("v1");

    assertThat(reads).allMatch(read -> "v1".equals(read.getNow(null)));
    assertThat(loads).hasValue(1);

    ticker.advance(TTL.plusSeconds(1)); // the copy expires everywhere at once
    List<CompletableFuture<String>> again = everyInstanceReads("p1");
    inProgress.get(1).complete("v2");
    assertThat(again).allMatch(read -> "v2".equals(read.getNow(null)));
    assertThat(loads).as("one load per expiry").hasValue(2);
  }

  @Test
  void withoutTheLeaseEveryInstanceLoads() {
    fleet(Duration.ZERO);
    List<CompletableFuture<String>> reads = everyInstanceReads("p1");
    inProgress.forEach(load -> load.complete("v1"));

    assertThat(loads).hasValue(INSTANCES);
    assertThat(reads).allMatch(read -> "v1".equals(read.getNow(null)));
    assertThat(leaseWaits(fleet)).isZero();
  }

  @Test
  void aFailedLoadGivesTheLeaseUpAndOneWaiterTakesItAtOnce() {
    fleet(Duration.ofMinutes(10)); // waiting out the lease would take ten minutes
    List<CompletableFuture<String>> reads = everyInstanceReads("p1");
    inProgress.get(0).completeExceptionally(new IllegalStateException("database down"));

    assertThat(loads)
        .as("the waiters read again at once, and one of them took the lease and loads")
        .hasValue(2);
    inProgress.get(1).complete("v1");
    assertThatThrownBy(reads.get(0)::join).hasMessageContaining("database down");
    assertThat(reads.subList(1, INSTANCES)).allMatch(read -> "v1".equals(read.getNow(null)));
    assertThat(loads).hasValue(2);
  }

  @Test
  void anInvalidationEndsTheWaitAndTheWaiterReadsTheNewValue() {
    fleet(Duration.ofMinutes(10));
    CompletableFuture<String> holder = fleet.get(0).getAsync("p1", loader);
    CompletableFuture<String> waiter = fleet.get(1).getAsync("p1", loader);
    assertThat(waiter).isNotDone();

    fleet.get(2).put("p1", "written by the application");

    assertThat(waiter.getNow(null)).isEqualTo("written by the application");
    inProgress.get(0).complete("loaded before the put");
    assertThat(holder.join()).isEqualTo("loaded before the put"); // its caller asked earlier
    assertThat(fleet.get(3).getAsync("p1", loader).join())
        .as("the older load's write was refused")
        .isEqualTo("written by the application");
    assertThat(loads).hasValue(1);
  }

  @Test
  void aStaleCopyIsRefreshedByOneInstanceWhileEveryInstanceServesIt() {
    fleet(Duration.ofSeconds(2), Tier.named("hot").ttl(TTL).staleWindow(Duration.ofMinutes(5)));
    fleet.get(0).getAsync("p1", loader);
    inProgress.get(0).complete("v1");
    ticker.advance(TTL.plusSeconds(1)); // stale now, within the window

    List<CompletableFuture<String>> reads = everyInstanceReads("p1");
    assertThat(reads).allMatch(read -> "v1".equals(read.getNow(null)));
    assertThat(loads).as("one refresh for the fleet").hasValue(2);

    inProgress.get(1).complete("v2");
    assertThat(everyInstanceReads("p1")).allMatch(read -> "v2".equals(read.getNow(null)));
    assertThat(loads).hasValue(2);
  }

  @Test
  void aWaiterWhoseHolderNeverAnswersLoadsItselfWhenTheLeaseRunsOut() {
    fleet(Duration.ofMillis(200)); // the wait runs on real time, the only such test here
    fleet.get(0).getAsync("p1", loader); // its load never completes
    CompletableFuture<String> waiter = fleet.get(1).getAsync("p1", loader);
    assertThat(loads).hasValue(1);

    await().atMost(Duration.ofSeconds(5)).until(() -> loads.get() == 2);
    inProgress.get(1).complete("v1");
    assertThat(waiter.join()).isEqualTo("v1");
  }

  @Test
  void theLeaseTimeMustBeZeroOrAtLeastAMillisecond() {
    assertThatThrownBy(() -> TieredCache.<String, String>builder().loadLease(Duration.ofNanos(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loadLease");
    assertThatThrownBy(
            () -> TieredCache.<String, String>builder().loadLease(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loadLease");
  }
}
