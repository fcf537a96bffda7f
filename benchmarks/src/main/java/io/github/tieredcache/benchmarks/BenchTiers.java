package io.github.tieredcache.benchmarks;

import io.github.tieredcache.Tier;
import io.github.tieredcache.Tiers;
import java.time.Duration;

/**
 * The hot / warm / cold tiers of {@link Tiers#hotWarmCold()} (same names, same age bounds), with
 * lifetimes long enough that nothing a benchmark placed in {@code @Setup} expires while it is
 * measured: a TTL changes nothing on the read path, but an entry that expired mid-run would turn
 * hits into misses.
 */
final class BenchTiers {

  static final Duration LONG = Duration.ofHours(6);

  private BenchTiers() {}

  static Tiers hotWarmCold() {
    return Tiers.of(
        Tier.named("hot").ttl(LONG).maxAge(Tiers.DEFAULT_HOT.maxAge()),
        Tier.named("warm").ttl(LONG).maxAge(Tiers.DEFAULT_WARM.maxAge()),
        Tier.named("cold").ttl(Duration.ofHours(24)));
  }

  /** Ages that place a post in hot, warm and cold under {@link #hotWarmCold()}. */
  static final Duration HOT_AGE = Duration.ofMinutes(5);

  static final Duration WARM_AGE = Duration.ofHours(3);

  static final Duration COLD_AGE = Duration.ofDays(3);
}
