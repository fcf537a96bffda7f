package io.github.tieredcache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CacheMetersTest {

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final StatsRecorder recorder = new StatsRecorder("posts", List.of("hot", "warm", "cold"));
  private final AtomicLong l0Entries = new AtomicLong();
  // Held here: a Micrometer gauge keeps only a weak reference to the object it reads.
  private final LongSupplier l0Size = l0Entries::get;
  private Timer remoteLatency;

  @BeforeEach
  void bind() {
    remoteLatency =
        CacheMeters.bind(registry, recorder, l0Size, Tags.of("app", "blog")).remoteLatency();
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags("cache", "posts").tags(tags).functionCounter().count();
  }

  @ParameterizedTest
  @ValueSource(strings = {"l0", "hot", "warm", "cold"})
  void registersGetsHitForL0AndEveryTier(String tier) {
    assertThat(
            registry
                .get("cache.gets")
                .tags("cache", "posts", "tier", tier, "result", "hit")
                .functionCounter())
        .isNotNull();
  }

  @Test
  void registersOneHitPerLevelAndOneMissForTheReadsNoLevelServed() {
    assertThat(registry.find("cache.gets").functionCounters())
        .extracting(c -> c.getId().getTag("tier") + "/" + c.getId().getTag("result"))
        .containsExactlyInAnyOrder("l0/hit", "hot/hit", "warm/hit", "cold/hit", "none/miss");
  }

  @Test
  void eachReadIsCountedOnceAtTheLevelThatServedIt() {
    recorder.l0Hit();
    recorder.l0Hit();
    recorder.l0Miss();
    recorder.remoteLookup(1); // served by warm: hot was asked too, but warm served it
    recorder.l0Miss();
    recorder.remoteLookup(2); // served by cold
    recorder.l0Miss();
    recorder.remoteLookup(-1); // no level: loaded

    assertThat(counter("cache.gets", "tier", "l0", "result", "hit")).isEqualTo(2);
    assertThat(counter("cache.gets", "tier", "hot", "result", "hit")).isZero();
    assertThat(counter("cache.gets", "tier", "warm", "result", "hit")).isEqualTo(1);
    assertThat(counter("cache.gets", "tier", "cold", "result", "hit")).isEqualTo(1);
    assertThat(counter("cache.gets", "tier", "none", "result", "miss")).isEqualTo(1);
    double sum =
        registry.find("cache.gets").functionCounters().stream().mapToDouble(c -> c.count()).sum();
    assertThat(sum).as("the reads, each once").isEqualTo(5);
  }

  @Test
  void putsFollowTheRecorder() {
    recorder.put();
    recorder.put();

    assertThat(counter("cache.puts")).isEqualTo(2);
  }

  @Test
  void evictionsAreThoseOfTheL0() {
    recorder.l0Eviction();

    assertThat(counter("cache.evictions", "tier", "l0")).isEqualTo(1);
  }

  @Test
  void sizeIsTheL0EntryCountReadWhenScraped() {
    l0Entries.set(17);

    assertThat(registry.get("cache.size").tags("cache", "posts", "tier", "l0").gauge().value())
        .isEqualTo(17.0);
  }

  @Test
  void registersAPromotionCounterForEveryColderToHotterPair() {
    assertThat(registry.find("cache.promotions").functionCounters())
        .extracting(c -> c.getId().getTag("from") + "->" + c.getId().getTag("to"))
        .containsExactlyInAnyOrder("warm->hot", "cold->hot", "cold->warm");
  }

  @Test
  void promotionsFollowTheRecorder() {
    recorder.promotion(1, 0);
    recorder.promotion(1, 0);
    recorder.promotion(2, 1);

    assertThat(counter("cache.promotions", "from", "warm", "to", "hot")).isEqualTo(2);
    assertThat(counter("cache.promotions", "from", "cold", "to", "warm")).isEqualTo(1);
    assertThat(counter("cache.promotions", "from", "cold", "to", "hot")).isZero();
  }

  @Test
  void loadsAreFunctionTimersBySuccessAndFailure() {
    recorder.loadSuccess(Duration.ofMillis(3).toNanos());
    recorder.loadSuccess(Duration.ofMillis(5).toNanos());
    recorder.loadFailure(Duration.ofMillis(7).toNanos());

    FunctionTimer success =
        registry.get("cache.loads").tags("cache", "posts", "result", "success").functionTimer();
    FunctionTimer failure =
        registry.get("cache.loads").tags("cache", "posts", "result", "failure").functionTimer();

    assertThat(success.count()).isEqualTo(2);
    assertThat(success.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(8.0);
    assertThat(failure.count()).isEqualTo(1);
    assertThat(failure.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(7.0);
  }

  @Test
  void errorCountersFollowTheRecorder() {
    recorder.decodeError();
    recorder.remoteError();
    recorder.remoteError();
    recorder.oversizedValue();

    assertThat(counter("cache.decode.errors")).isEqualTo(1);
    assertThat(counter("cache.remote.errors")).isEqualTo(2);
    assertThat(counter("cache.remote.oversized")).isEqualTo(1);
  }

  @Test
  void returnsTheRegisteredRemoteLatencyTimer() {
    remoteLatency.record(Duration.ofMillis(4));

    Timer registered = registry.get("cache.remote.latency").tags("cache", "posts").timer();
    assertThat(registered).isSameAs(remoteLatency);
    assertThat(registered.count()).isEqualTo(1);
    assertThat(registered.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(4.0);
  }

  @Test
  void everyMeterCarriesTheCacheNameAndTheExtraTags() {
    List<Meter> meters = registry.getMeters();

    assertThat(meters).isNotEmpty();
    assertThat(meters)
        .allSatisfy(
            meter ->
                assertThat(meter.getId().getTags())
                    .contains(Tag.of("cache", "posts"), Tag.of("app", "blog")));
  }

  @Test
  void registersTheDocumentedMeterNames() {
    assertThat(registry.getMeters())
        .extracting(meter -> meter.getId().getName())
        .containsOnly(
            "cache.gets",
            "cache.gets.coalesced",
            "cache.writes.refused",
            "cache.admissions.refused",
            "cache.stale.on.error",
            "cache.lease.waits",
            "cache.messages.gaps",
            "cache.distrusted",
            "cache.copies.foreign",
            "cache.puts",
            "cache.evictions",
            "cache.size",
            "cache.promotions",
            "cache.loads",
            "cache.decode.errors",
            "cache.remote.errors",
            "cache.remote.oversized",
            "cache.remote.latency");
  }

  @Test
  void twoCachesInOneRegistryAreToldApartByTheirNameTag() {
    StatsRecorder other = new StatsRecorder("users", List.of("hot"));
    CacheMeters.bind(registry, other, () -> 0, Tags.empty());
    other.put();

    assertThat(counter("cache.puts")).isZero();
    assertThat(registry.get("cache.puts").tags("cache", "users").functionCounter().count())
        .isEqualTo(1);
    assertThat(registry.find("cache.promotions").tags("cache", "users").functionCounters())
        .isEmpty();
  }

  @Test
  void countersAreReadLazilyAtScrapeTime() {
    FunctionCounter puts = registry.get("cache.puts").functionCounter();
    assertThat(puts.count()).isZero();

    recorder.put();

    assertThat(puts.count()).isEqualTo(1);
  }

  @Test
  void theL0SizeGaugeSurvivesAGarbageCollectionOfItsSupplier() {
    SimpleMeterRegistry fresh = new SimpleMeterRegistry();
    StatsRecorder stats = new StatsRecorder("gc", List.of("hot"));
    CacheMeters.bind(fresh, stats, () -> 7L, Tags.empty());
    System.gc();
    assertThat(fresh.get("cache.size").gauge().value()).isEqualTo(7.0);
  }
}
