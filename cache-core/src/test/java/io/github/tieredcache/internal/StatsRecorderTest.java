package io.github.tieredcache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.tieredcache.stats.CacheStats;
import io.github.tieredcache.stats.TierStats;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsRecorderTest {

  private static final int L0 = 0;
  private static final int HOT = 1;
  private static final int WARM = 2;
  private static final int COLD = 3;

  // remoteLookup and promotion take remote tier indexes: 0 = hot, 1 = warm, 2 = cold, -1 = none.
  private static final int REMOTE_HOT = 0;
  private static final int REMOTE_WARM = 1;
  private static final int REMOTE_COLD = 2;
  private static final int REMOTE_NONE = -1;

  private final StatsRecorder recorder = new StatsRecorder("posts", List.of("hot", "warm", "cold"));

  @Test
  void namesL0FirstThenTheRemoteTiersHottestFirst() {
    assertThat(recorder.cacheName()).isEqualTo("posts");
    assertThat(recorder.tierNames()).containsExactly("l0", "hot", "warm", "cold");
  }

  @Test
  void aHotHitIsAHotHitOnly() {
    recorder.remoteLookup(REMOTE_HOT);

    assertThat(hitsAndMisses(HOT)).containsExactly(1L, 0L);
    assertThat(hitsAndMisses(WARM)).containsExactly(0L, 0L);
    assertThat(hitsAndMisses(COLD)).containsExactly(0L, 0L);
  }

  @Test
  void aWarmHitIsAHotMissAndAWarmHitAndColdIsNotCounted() {
    recorder.remoteLookup(REMOTE_WARM);

    assertThat(hitsAndMisses(HOT)).containsExactly(0L, 1L);
    assertThat(hitsAndMisses(WARM)).containsExactly(1L, 0L);
    assertThat(hitsAndMisses(COLD)).containsExactly(0L, 0L);
  }

  @Test
  void aColdHitIsAMissInEveryHotterTierAndAColdHit() {
    recorder.remoteLookup(REMOTE_COLD);

    assertThat(hitsAndMisses(HOT)).containsExactly(0L, 1L);
    assertThat(hitsAndMisses(WARM)).containsExactly(0L, 1L);
    assertThat(hitsAndMisses(COLD)).containsExactly(1L, 0L);
  }

  @Test
  void aFullMissIsAMissInEveryRemoteTier() {
    recorder.remoteLookup(REMOTE_NONE);

    assertThat(hitsAndMisses(HOT)).containsExactly(0L, 1L);
    assertThat(hitsAndMisses(WARM)).containsExactly(0L, 1L);
    assertThat(hitsAndMisses(COLD)).containsExactly(0L, 1L);
  }

  @Test
  void remoteLookupsDoNotCountAsL0Reads() {
    recorder.remoteLookup(REMOTE_NONE);
    recorder.remoteLookup(REMOTE_WARM);

    assertThat(hitsAndMisses(L0)).containsExactly(0L, 0L);
    assertThat(recorder.requests()).isZero();
  }

  @Test
  void requestsAreL0HitsPlusL0Misses() {
    recorder.l0Hit();
    recorder.l0Hit();
    recorder.l0Hit();
    recorder.l0Miss();
    recorder.l0Miss();

    assertThat(recorder.requests()).isEqualTo(5);
    assertThat(recorder.snapshot().requests()).isEqualTo(5);
  }

  @Test
  void snapshotGivesEachTiersHitRatioAmongTheLookupsThatReachedIt() {
    // 10 reads: 6 answered by the L0; of the 4 others one each by hot, warm, cold and the loader.
    for (int i = 0; i < 6; i++) {
      recorder.l0Hit();
    }
    for (int tier : new int[] {REMOTE_HOT, REMOTE_WARM, REMOTE_COLD, REMOTE_NONE}) {
      recorder.l0Miss();
      recorder.remoteLookup(tier);
    }

    CacheStats stats = recorder.snapshot();

    assertThat(stats.requests()).isEqualTo(10);
    assertThat(stats.tiers())
        .containsExactly(
            new TierStats("l0", 6, 4, 0),
            new TierStats("hot", 1, 3, 0),
            new TierStats("warm", 1, 2, 0),
            new TierStats("cold", 1, 1, 0));
    assertThat(stats.tier("l0").orElseThrow().hitRatio()).isEqualTo(0.6);
    assertThat(stats.tier("hot").orElseThrow().hitRatio()).isEqualTo(0.25);
    assertThat(stats.tier("warm").orElseThrow().hitRatio()).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(stats.tier("cold").orElseThrow().hitRatio()).isEqualTo(0.5);
    assertThat(stats.tier("cold").orElseThrow().requests()).isEqualTo(2);
    assertThat(stats.hitRatio()).isEqualTo(0.9);
    assertThat(stats.servedShare("l0")).isEqualTo(0.6);
    assertThat(stats.servedShare("warm")).isEqualTo(0.1);
  }

  @Test
  void ratiosAreZeroWithoutRequests() {
    CacheStats stats = recorder.snapshot();

    assertThat(stats.hitRatio()).isZero();
    assertThat(stats.servedShare("hot")).isZero();
    assertThat(stats.tier("hot").orElseThrow().hitRatio()).isZero();
    assertThat(stats.averageLoadPenaltyNanos()).isZero();
  }

  @Test
  void snapshotHasNoTierOfAnUnknownNameAndServedShareRefusesIt() {
    CacheStats stats = recorder.snapshot();

    assertThat(stats.tier("lukewarm")).isEmpty();
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> stats.servedShare("lukewarm"))
        .withMessageContaining("lukewarm");
  }

  @Test
  void coalescedReadsAreCounted() {
    recorder.coalesced();
    recorder.coalesced();
    assertThat(recorder.snapshot().coalesced()).isEqualTo(2);
  }

  @Test
  void promotionsAreKeyedFromArrowTo() {
    recorder.promotion(REMOTE_WARM, REMOTE_HOT);
    recorder.promotion(REMOTE_WARM, REMOTE_HOT);
    recorder.promotion(REMOTE_COLD, REMOTE_WARM);

    assertThat(recorder.promotions(REMOTE_WARM, REMOTE_HOT)).isEqualTo(2);
    assertThat(recorder.snapshot().promotions())
        .containsExactlyInAnyOrderEntriesOf(Map.of("warm->hot", 2L, "cold->warm", 1L));
  }

  @Test
  void loadsCountSuccessesAndFailuresAndTheirTime() {
    recorder.loadSuccess(100);
    recorder.loadSuccess(300);
    recorder.loadFailure(200);

    CacheStats stats = recorder.snapshot();

    assertThat(stats.loadSuccesses()).isEqualTo(2);
    assertThat(stats.loadFailures()).isEqualTo(1);
    assertThat(stats.loads()).isEqualTo(3);
    assertThat(stats.totalLoadTimeNanos()).isEqualTo(600);
    assertThat(stats.averageLoadPenaltyNanos()).isEqualTo(200.0);
    assertThat(recorder.loadSuccessNanos()).isEqualTo(400);
    assertThat(recorder.loadFailureNanos()).isEqualTo(200);
  }

  @Test
  void snapshotCarriesTheOtherCounters() {
    recorder.put();
    recorder.put();
    recorder.decodeError();
    recorder.remoteError();
    recorder.remoteError();
    recorder.remoteError();
    recorder.oversizedValue();
    recorder.l0Eviction();
    recorder.l0Eviction();

    CacheStats stats = recorder.snapshot();

    assertThat(stats.cacheName()).isEqualTo("posts");
    assertThat(stats.puts()).isEqualTo(2);
    assertThat(stats.decodeErrors()).isEqualTo(1);
    assertThat(stats.remoteErrors()).isEqualTo(3);
    assertThat(stats.oversized()).isEqualTo(1);
    assertThat(stats.tier("l0").orElseThrow().evictions()).isEqualTo(2);
    assertThat(stats.tier("hot").orElseThrow().evictions()).isZero();
  }

  @Test
  void aSnapshotDoesNotChangeWhenCountingGoesOn() {
    recorder.l0Hit();
    recorder.promotion(REMOTE_WARM, REMOTE_HOT);
    CacheStats before = recorder.snapshot();

    recorder.l0Hit();
    recorder.promotion(REMOTE_WARM, REMOTE_HOT);

    assertThat(before.requests()).isEqualTo(1);
    assertThat(before.promotions()).containsExactly(Map.entry("warm->hot", 1L));
    assertThatThrownBy(() -> before.promotions().put("x->y", 1L))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> before.tiers().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void countsEveryIncrementFromManyThreads() throws Exception {
    Thread[] threads = new Thread[8];
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          new Thread(
              () -> {
                for (int i = 0; i < 10_000; i++) {
                  recorder.l0Miss();
                  recorder.remoteLookup(REMOTE_WARM);
                }
              });
      threads[t].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(recorder.requests()).isEqualTo(80_000);
    assertThat(hitsAndMisses(HOT)).containsExactly(0L, 80_000L);
    assertThat(hitsAndMisses(WARM)).containsExactly(80_000L, 0L);
  }

  private List<Long> hitsAndMisses(int tierIndex) {
    return List.of(recorder.hits(tierIndex), recorder.misses(tierIndex));
  }
}
