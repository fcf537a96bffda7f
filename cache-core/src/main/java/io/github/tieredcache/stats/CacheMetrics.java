package io.github.tieredcache.stats;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Binds a cache's {@link StatsRecorder} to a Micrometer registry under Micrometer's cache names
 * with a {@code tier} tag: {@code cache.gets{result=hit|miss}}, {@code cache.puts}, {@code
 * cache.evictions}, {@code cache.size}, {@code cache.promotions{from,to}}, {@code
 * cache.loads{result}}, {@code cache.decode.errors}, {@code cache.remote.errors}; and creates the
 * {@code cache.remote.latency} timer.
 *
 * <p>Every meter but the latency timer is a function meter that reads the striped counters when the
 * registry is scraped, so counting on the hot path makes no Micrometer call.
 */
public final class CacheMetrics {

  private CacheMetrics() {}

  /**
   * Registers the cache's meters and returns the remote latency timer.
   *
   * @param registry where to register
   * @param recorder the cache's counters
   * @param l0Size reads the current L0 entry count
   * @param extraTags tags added to every meter (may be empty)
   */
  public static Timer bind(
      MeterRegistry registry,
      StatsRecorder recorder,
      LongSupplier l0Size,
      Iterable<Tag> extraTags) {
    Tags base = Tags.of("cache", recorder.cacheName()).and(extraTags);
    for (int i = 0; i < recorder.tierNames().size(); i++) {
      int tier = i;
      Tags tags = base.and("tier", recorder.tierNames().get(i));
      counter(
          registry,
          "cache.gets",
          tags.and("result", "hit"),
          "Reads answered by this tier",
          r -> r.hits(tier),
          recorder);
      counter(
          registry,
          "cache.gets",
          tags.and("result", "miss"),
          "Reads that reached this tier and went on",
          r -> r.misses(tier),
          recorder);
    }
    Tags l0 = base.and("tier", "l0");
    counter(
        registry,
        "cache.evictions",
        l0,
        "Entries evicted from the L0",
        StatsRecorder::l0Evictions,
        recorder);
    Gauge.builder("cache.size", l0Size, s -> (double) s.getAsLong())
        .tags(l0)
        .description("Entries in the L0")
        .strongReference(true)
        .register(registry);
    counter(
        registry,
        "cache.puts",
        base,
        "Values written by put or a load",
        StatsRecorder::puts,
        recorder);
    counter(
        registry,
        "cache.decode.errors",
        base,
        "Stored copies that did not decode",
        StatsRecorder::decodeErrors,
        recorder);
    counter(
        registry,
        "cache.remote.errors",
        base,
        "Remote operations that failed or timed out",
        StatsRecorder::remoteErrors,
        recorder);
    counter(
        registry,
        "cache.remote.oversized",
        base,
        "Values too large to store remotely",
        StatsRecorder::oversized,
        recorder);
    counter(
        registry,
        "cache.gets.coalesced",
        base,
        "Reads that waited for a concurrent read of the same key",
        StatsRecorder::coalescedReads,
        recorder);
    int remoteTiers = recorder.tierNames().size() - 1;
    for (int from = 0; from < remoteTiers; from++) {
      for (int to = 0; to < from; to++) {
        int f = from;
        int t = to;
        counter(
            registry,
            "cache.promotions",
            base.and("from", recorder.tierNames().get(from + 1))
                .and("to", recorder.tierNames().get(to + 1)),
            "Copies promoted into a hotter tier",
            r -> r.promotions(f, t),
            recorder);
      }
    }
    FunctionTimer.builder(
            "cache.loads",
            recorder,
            StatsRecorder::loadSuccesses,
            StatsRecorder::loadSuccessNanos,
            TimeUnit.NANOSECONDS)
        .tags(base.and("result", "success"))
        .description("Loader calls that returned")
        .register(registry);
    FunctionTimer.builder(
            "cache.loads",
            recorder,
            StatsRecorder::loadFailures,
            StatsRecorder::loadFailureNanos,
            TimeUnit.NANOSECONDS)
        .tags(base.and("result", "failure"))
        .description("Loader calls that threw")
        .register(registry);
    return Timer.builder("cache.remote.latency")
        .tags(base)
        .description("Time of remote tier operations")
        .publishPercentileHistogram(false)
        .register(registry);
  }

  private static void counter(
      MeterRegistry registry,
      String name,
      Tags tags,
      String description,
      ToDoubleFunction<StatsRecorder> read,
      StatsRecorder recorder) {
    FunctionCounter.builder(name, recorder, read)
        .tags(tags)
        .description(description)
        .register(registry);
  }

  /** Returns a tag list for {@link #bind}; convenience for callers with no extra tags. */
  public static Iterable<Tag> noTags() {
    return Tags.empty();
  }
}
