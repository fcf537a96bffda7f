package io.github.tieredcache.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.benchmarks.EffectivenessRun.Figures;
import io.github.tieredcache.benchmarks.EffectivenessRun.Setup;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Short runs of the effectiveness report's configurations (3 h of the trace at 20 reads/s): what
 * each promises holds, and without an L0 (whose Caffeine admission draws from a random of its own)
 * the same seed gives the same figures.
 */
class EffectivenessRunTest {

  private static final PostTrace.Shape SHAPE =
      new PostTrace.Shape(2_000, 30, 20, 0.70, 0.20, 26, 42);

  private static Figures run(String name) {
    Setup setup =
        EffectivenessReport.setups().stream()
            .filter(s -> s.name().equals(name))
            .findFirst()
            .orElseThrow();
    return new EffectivenessRun(
            setup, SHAPE, Duration.ofHours(3), Duration.ofHours(1), EffectivenessReport.BOUND)
        .run();
  }

  @Test
  void invalidationOnEveryEditServesNoStaleRead() {
    Figures f = run("invalidation mode");
    assertThat(f.reads()).isEqualTo(2 * 3_600 * 20);
    assertThat(f.staleReads()).isZero();
    assertThat(f.loads()).isPositive().isLessThan(f.reads() / 2);
    long served = f.l0Hits() + f.loads();
    for (long hits : f.tierHits()) {
      served += hits;
    }
    assertThat(served).as("every read served by one level or a load").isEqualTo(f.reads());
    assertThat(f.meanBytes()).isPositive().isLessThanOrEqualTo(f.peakBytes());
  }

  @Test
  void expiryAloneServesStaleReadsBoundedByTheTtls() {
    Figures f = run("defaults, expiry only");
    assertThat(f.staleReads()).isPositive();
    // A post edited within its first hour is placed hot (60 s) or, read from warm, promoted with
    // its warm copy's freshness: nothing outlives the warm tier's hour by much.
    assertThat(f.staleMaxMillis()).isLessThanOrEqualTo(Duration.ofMinutes(65).toMillis());
  }

  @Test
  void withoutAnL0TheSameSeedGivesTheSameFigures() {
    Figures a = run("one Redis tier, 24 h");
    Figures b = run("one Redis tier, 24 h");
    assertThat(b.loads()).isEqualTo(a.loads());
    assertThat(b.staleReads()).isEqualTo(a.staleReads());
    assertThat(b.meanBytes()).isEqualTo(a.meanBytes());
    assertThat(b.tierHits()).isEqualTo(a.tierHits());
    assertThat(a.l0Hits()).isZero();
  }
}
