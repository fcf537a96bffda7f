package io.github.tieredcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tieredcache.codec.ValueCodec;
import io.github.tieredcache.memory.InMemoryTierStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Early refresh: {@code Tier.refreshAhead} and {@code TieredCacheBuilder.earlyRefresh} (XFetch). A
 * fake ticker and a seeded random make each run the same; loads run on the calling thread, and a
 * loader may advance the ticker to take time.
 */
class EarlyRefreshTest {

  private static final Duration TTL = Duration.ofSeconds(60);

  private final FakeTicker ticker = new FakeTicker();
  private final InMemoryTierStore store = new InMemoryTierStore(ticker);
  private final List<TieredCache<String, String>> caches = new ArrayList<>();
  private final PendingLoader pending = new PendingLoader();
  private final AtomicInteger loads = pending.calls; // every loader of a test counts here
  private final List<CompletableFuture<String>> inProgress = pending.inProgress;

  @AfterEach
  void close() {
    caches.forEach(TieredCache::close);
  }

  private TieredCacheBuilder<String, String> builder(Tier tier) {
    return TieredCache.<String, String>builder()
        .name("posts")
        .store(store)
        .tiers(tier)
        .ttlJitter(0)
        .ticker(ticker)
        .clock(ticker.clock())
        .executor(Runnable::run)
        .l0ExpireAfterWrite(Duration.ofHours(1)) // only the copy's freshness bounds an L0 entry
        .valueCodec(ValueCodec.utf8());
  }

  private TieredCache<String, String> cache(TieredCacheBuilder<String, String> builder) {
    TieredCache<String, String> cache = builder.build();
    caches.add(cache);
    return cache;
  }

  private String load(String value) {
    loads.incrementAndGet();
    return value;
  }

  @Test
  void refreshAheadServesTheCopyAndReloadsItInTheBackgroundWithinTheWindow() {
    TieredCache<String, String> cache =
        cache(builder(Tier.named("hot").ttl(TTL).refreshAhead(Duration.ofSeconds(10))));
    cache.get("p1", id -> load("v1"));

    ticker.advance(Duration.ofSeconds(49));
    assertThat(cache.get("p1", id -> load("v2"))).as("an L0 hit").isEqualTo("v1");
    assertThat(loads).hasValue(1);

    ticker.advance(Duration.ofSeconds(2)); // 9 s before the copy's freshness ends
    assertThat(cache.get("p1", id -> load("v2")))
        .as("the copy answers while it is refreshed")
        .isEqualTo("v1");
    assertThat(loads).as("one background refresh").hasValue(2);
    assertThat(cache.get("p1", id -> load("v3"))).isEqualTo("v2");

    ticker.advance(Duration.ofSeconds(30)); // past v1's expiry: v2 is fresh for 60 s from 51 s
    assertThat(cache.get("p1", id -> load("v3"))).isEqualTo("v2");
    assertThat(loads).hasValue(2);
  }

  @Test
  void underTheLeaseOneInstanceRefreshesAheadAndNoInstanceWaitsOrMisses() {
    Tier hot = Tier.named("hot").ttl(TTL).refreshAhead(Duration.ofSeconds(10));
    List<TieredCache<String, String>> fleet = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      fleet.add(cache(builder(hot).loadLease(Duration.ofSeconds(5))));
    }
    fleet.get(0).getAsync("p1", pending);
    inProgress.get(0).complete("v1");
    ticker.advance(Duration.ofSeconds(55)); // within every instance's refresh-ahead window

    for (TieredCache<String, String> cache : fleet) {
      CompletableFuture<String> read = cache.getAsync("p1", pending);
      assertThat(read.getNow(null))
          .as("answered at once, the refresh still loading")
          .isEqualTo("v1");
    }
    assertThat(loads).as("one refresh for the fleet").hasValue(2);

    inProgress.get(1).complete("v2");
    ticker.advance(Duration.ofSeconds(10)); // v1 would have expired now
    for (TieredCache<String, String> cache : fleet) {
      assertThat(cache.getAsync("p1", pending).getNow(null)).isEqualTo("v2");
    }
    assertThat(loads).as("nobody missed at v1's expiry").hasValue(2);
  }

  @Test
  void xfetchRefreshesNearTheExpiryAndAlmostNeverFarFromIt() {
    TieredCache<String, String> cache =
        cache(
            builder(Tier.named("hot").ttl(TTL))
                .l0Disabled() // every read asks the remote tier, so each one draws
                .earlyRefresh(1.0)
                .random(new Random(42)));
    AsyncLoader<String, String> fiveSeconds =
        (key, executor) -> {
          loads.incrementAndGet();
          ticker.advance(Duration.ofSeconds(5)); // the database takes 5 s
          return CompletableFuture.completedFuture("v" + loads.get());
        };
    cache.getAsync("p1", fiveSeconds).join(); // written at 5 s, fresh until 65 s

    for (int i = 0; i < 100; i++) {
      cache.getAsync("p1", fiveSeconds).join(); // 60 s before the expiry: P = e^-12 per read
    }
    assertThat(loads).as("no refresh far from the expiry").hasValue(1);

    ticker.advance(Duration.ofSeconds(59)); // 1 s before it: P = e^-0.2 = 0.82 per read
    int reads = 0;
    while (loads.get() == 1 && reads < 50) {
      assertThat(cache.getAsync("p1", fiveSeconds).join()).isEqualTo("v1");
      reads++;
    }
    assertThat(loads).as("refreshed early, before the copy expired").hasValue(2);
    assertThat(cache.getAsync("p1", fiveSeconds).join()).isEqualTo("v2");
  }

  @Test
  void xfetchEndsL0EntriesBeforeTheirCopyStopsBeingFresh() {
    TieredCache<String, String> cache =
        cache(builder(Tier.named("hot").ttl(TTL)).earlyRefresh(1.0).random(new Random(7)));
    AsyncLoader<String, String> fiveSeconds =
        (key, executor) -> {
          loads.incrementAndGet();
          ticker.advance(Duration.ofSeconds(5));
          return CompletableFuture.completedFuture("v" + loads.get());
        };
    cache.getAsync("p1", fiveSeconds).join();
    long l0Hits = cache.stats().tier("l0").orElseThrow().hits();

    ticker.advance(TTL.minusMillis(1)); // the copy is fresh for 1 ms more
    cache.getAsync("p1", fiveSeconds).join();
    assertThat(cache.stats().tier("l0").orElseThrow().hits())
        .as("the L0 entry ended a random gap (mean 5 s) early: the read asked the remote tier")
        .isEqualTo(l0Hits);
  }

  @Test
  void badSettingsAreRefusedNamingThem() {
    assertThatThrownBy(() -> TieredCache.<String, String>builder().earlyRefresh(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("earlyRefresh");
    assertThatThrownBy(() -> TieredCache.<String, String>builder().earlyRefresh(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("earlyRefresh");
    assertThatThrownBy(() -> Tier.named("hot").ttl(TTL).refreshAhead(TTL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refreshAhead of tier hot");
  }
}
