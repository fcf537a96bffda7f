package io.github.tieredcache.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The Micrometer meters of one cache, under Micrometer's cache names with a {@code tier} tag:
 * {@code cache.gets{tier,result}}, {@code cache.puts}, {@code cache.evictions}, {@code cache.size},
 * {@code cache.promotions{from,to}}, {@code cache.loads{result}}, {@code cache.decode.errors},
 * {@code cache.remote.errors}, {@code cache.remote.oversized}, {@code cache.gets.coalesced}, {@code
 * cache.writes.refused}, and the {@code cache.remote.latency} timer.
 *
 * <p><b>{@code cache.gets} counts each read once</b>, as Micrometer's cache meters do: with {@code
 * result=hit} and the level that served it ({@code tier=l0}, {@code hot}, {@code warm}, ...), or
 * with {@code result=miss} and {@code tier=none} when no level did. So their sum is the reads, the
 * {@code hit} share is the hit ratio, and each level's share is what it served; a copy kept in the
 * cold tier is a cold hit, not a hot and a warm miss as well. (How often a tier was asked and had
 * nothing is in {@code stats()}: the remote tiers are asked together, in one round trip.)
 *
 * <p>Every meter but the latency timer is a function meter that reads the striped counters of
 * {@link StatsRecorder} when the registry is scraped, so counting on the hot path makes no
 * Micrometer call.
 *
 * <p><b>One cache per name and tags.</b> Micrometer answers a second registration of a meter with
 * the same name and tags with the first one, so a second cache of the same name on one registry
 * would silently report the first cache's figures. {@link #bind} refuses that with a message
 * instead, and {@link #close()} removes every meter it registered, so a cache closed and built
 * again binds cleanly.
 */
final class CacheMeters implements AutoCloseable {

  /** The {@code tier} tag of the reads that no level answered. */
  static final String UNSERVED = "none";

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Timer remoteLatency;

  private CacheMeters(
      MeterRegistry registry, StatsRecorder recorder, LongSupplier l0Size, Tags base) {
    this.registry = registry;
    for (int i = 0; i < recorder.tierNames().size(); i++) {
      int tier = i;
      counter(
          "cache.gets",
          base.and("tier", recorder.tierNames().get(i)).and("result", "hit"),
          "Reads answered by this level, each read counted once, at the level that served it",
          r -> r.hits(tier),
          recorder);
    }
    counter(
        "cache.gets",
        base.and("tier", UNSERVED).and("result", "miss"),
        "Reads no level answered: loaded, found nowhere, or joined a read of the key in flight",
        StatsRecorder::unserved,
        recorder);
    Tags l0 = base.and("tier", "l0");
    counter(
        "cache.evictions", l0, "Entries evicted from the L0", StatsRecorder::l0Evictions, recorder);
    meters.add(
        Gauge.builder("cache.size", l0Size, s -> (double) s.getAsLong())
            .tags(l0)
            .description("Entries in the L0")
            .strongReference(true)
            .register(registry));
    counter("cache.puts", base, "Values written by put or a load", StatsRecorder::puts, recorder);
    counter(
        "cache.decode.errors",
        base,
        "Stored copies that did not decode",
        StatsRecorder::decodeErrors,
        recorder);
    counter(
        "cache.remote.errors",
        base,
        "Remote operations that failed or timed out",
        StatsRecorder::remoteErrors,
        recorder);
    counter(
        "cache.remote.oversized",
        base,
        "Values too large to store remotely",
        StatsRecorder::oversized,
        recorder);
    counter(
        "cache.gets.coalesced",
        base,
        "Reads that waited for a concurrent read of the same key",
        StatsRecorder::coalescedReads,
        recorder);
    counter(
        "cache.writes.refused",
        base,
        "Loaded values not cached because the key changed while they loaded",
        StatsRecorder::writesRefused,
        recorder);
    counter(
        "cache.admissions.refused",
        base,
        "Loaded values their tier did not admit: kept in the L0, not written remotely",
        StatsRecorder::admissionsRefused,
        recorder);
    counter(
        "cache.stale.on.error",
        base,
        "Reads answered with a copy past its freshness because the load failed",
        StatsRecorder::staleOnErrors,
        recorder);
    counter(
        "cache.lease.waits",
        base,
        "Reads that waited for another instance's load under the key's lease instead of loading",
        StatsRecorder::leaseWaits,
        recorder);
    counter(
        "cache.messages.gaps",
        base,
        "Message sequences that jumped: messages lost, the L0 cleared",
        StatsRecorder::messageGaps,
        recorder);
    counter(
        "cache.distrusted",
        base,
        "Times the instance stopped trusting its L0 and remote copies after a fault",
        StatsRecorder::distrustedEpisodes,
        recorder);
    counter(
        "cache.copies.foreign",
        base,
        "Copies written by another codec or schema: misses, left in place",
        StatsRecorder::foreignCopies,
        recorder);
    int remoteTiers = recorder.tierNames().size() - 1;
    for (int from = 0; from < remoteTiers; from++) {
      for (int to = 0; to < from; to++) {
        int f = from;
        int t = to;
        counter(
            "cache.promotions",
            base.and("from", recorder.tierNames().get(from + 1))
                .and("to", recorder.tierNames().get(to + 1)),
            "Copies promoted into a hotter tier",
            r -> r.promotions(f, t),
            recorder);
      }
    }
    meters.add(
        FunctionTimer.builder(
                "cache.loads",
                recorder,
                StatsRecorder::loadSuccesses,
                StatsRecorder::loadSuccessNanos,
                TimeUnit.NANOSECONDS)
            .tags(base.and("result", "success"))
            .description("Loader calls that returned")
            .register(registry));
    meters.add(
        FunctionTimer.builder(
                "cache.loads",
                recorder,
                StatsRecorder::loadFailures,
                StatsRecorder::loadFailureNanos,
                TimeUnit.NANOSECONDS)
            .tags(base.and("result", "failure"))
            .description("Loader calls that threw")
            .register(registry));
    this.remoteLatency =
        Timer.builder("cache.remote.latency")
            .tags(base)
            .description("Time of remote tier operations")
            .register(registry);
    meters.add(remoteLatency);
  }

  /**
   * Registers the meters of the cache {@code recorder} counts for.
   *
   * @param l0Size reads the current L0 entry count
   * @param extraTags tags added to every meter (may be empty)
   * @throws IllegalStateException if the registry already has the meters of a cache with this name
   *     and tags
   */
  static CacheMeters bind(
      MeterRegistry registry, StatsRecorder recorder, LongSupplier l0Size, Tags extraTags) {
    Tags base = Tags.of("cache", recorder.cacheName()).and(extraTags);
    synchronized (registry) {
      if (!registry.find("cache.gets").tags(base).meters().isEmpty()) {
        throw new IllegalStateException(
            "meterRegistry: a cache named '"
                + recorder.cacheName()
                + "' with tags "
                + extraTags
                + " is already bound to this MeterRegistry; close it first, or give this cache"
                + " other tags (TieredCacheBuilder.meterRegistry(registry, tags))");
      }
      return new CacheMeters(registry, recorder, l0Size, base);
    }
  }

  /** Returns the timer of remote operations. */
  Timer remoteLatency() {
    return remoteLatency;
  }

  /** Returns the meters registered, for tests. */
  List<Meter> meters() {
    return List.copyOf(meters);
  }

  /** Removes every meter this binding registered. */
  @Override
  public void close() {
    synchronized (registry) {
      for (Meter meter : meters) {
        registry.remove(meter);
      }
    }
  }

  private void counter(
      String name,
      Tags tags,
      String description,
      ToDoubleFunction<StatsRecorder> read,
      StatsRecorder recorder) {
    meters.add(
        FunctionCounter.builder(name, recorder, read)
            .tags(tags)
            .description(description)
            .register(registry));
  }
}
