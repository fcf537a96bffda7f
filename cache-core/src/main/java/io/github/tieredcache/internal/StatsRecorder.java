package io.github.tieredcache.internal;

import io.github.tieredcache.stats.CacheStats;
import io.github.tieredcache.stats.TierStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The striped counters behind {@link CacheStats} and the Micrometer meters of one cache. Counting
 * is a {@link LongAdder} increment; nothing here calls Micrometer, which reads these counters
 * lazily when it is scraped (see {@link CacheMeters}). Only {@link #snapshot()} leaves the cache,
 * as an immutable {@link CacheStats}.
 *
 * <p>Tier index 0 is {@code l0}; index {@code i + 1} is remote tier {@code i}.
 */
final class StatsRecorder {

  private final String cacheName;
  private final List<String> tierNames;
  private final HitCounter l0Hits = new HitCounter();
  private final LongAdder[] hits;
  private final LongAdder[] misses;
  private final LongAdder l0Evictions = new LongAdder();
  private final LongAdder[][] promotions;
  private final LongAdder loadSuccesses = new LongAdder();
  private final LongAdder loadFailures = new LongAdder();
  private final LongAdder loadSuccessNanos = new LongAdder();
  private final LongAdder loadFailureNanos = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder decodeErrors = new LongAdder();
  private final LongAdder remoteErrors = new LongAdder();
  private final LongAdder oversized = new LongAdder();
  private final LongAdder coalesced = new LongAdder();
  private final LongAdder writesRefused = new LongAdder();
  private final LongAdder admissionsRefused = new LongAdder();
  private final LongAdder staleOnError = new LongAdder();
  private final LongAdder leaseWaits = new LongAdder();
  private volatile long admissionSketchBytes;
  private final LongAdder messageGaps = new LongAdder();
  private final LongAdder distrusted = new LongAdder();
  private final LongAdder foreignCopies = new LongAdder();

  /** Creates counters for a cache with the given remote tiers, hottest first. */
  StatsRecorder(String cacheName, List<String> remoteTiers) {
    this.cacheName = cacheName;
    List<String> names = new ArrayList<>();
    names.add("l0");
    names.addAll(remoteTiers);
    this.tierNames = List.copyOf(names);
    this.hits = adders(names.size());
    this.misses = adders(names.size());
    this.promotions = new LongAdder[remoteTiers.size()][];
    for (int i = 0; i < promotions.length; i++) {
      promotions[i] = adders(remoteTiers.size());
    }
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  String cacheName() {
    return cacheName;
  }

  /** Returns {@code l0} followed by the remote tier names. */
  List<String> tierNames() {
    return tierNames;
  }

  void l0Hit() {
    l0Hits.increment();
  }

  /** Records a read that the L0 did not answer (every read, when the L0 is off). */
  void l0Miss() {
    misses[0].increment();
  }

  void l0Eviction() {
    l0Evictions.increment();
  }

  /** Records a remote lookup answered by remote tier {@code tier}, or by none when {@code -1}. */
  void remoteLookup(int tier) {
    int remoteTiers = tierNames.size() - 1;
    int last = tier < 0 ? remoteTiers - 1 : tier - 1;
    for (int i = 0; i <= last; i++) {
      misses[i + 1].increment();
    }
    if (tier >= 0) {
      hits[tier + 1].increment();
    }
  }

  void promotion(int from, int to) {
    promotions[from][to].increment();
  }

  void loadSuccess(long nanos) {
    loadSuccesses.increment();
    loadSuccessNanos.add(nanos);
  }

  void loadFailure(long nanos) {
    loadFailures.increment();
    loadFailureNanos.add(nanos);
  }

  void put() {
    puts.increment();
  }

  void decodeError() {
    decodeErrors.increment();
  }

  void remoteError() {
    remoteErrors.increment();
  }

  /** Records a read that waited for a concurrent read of the same key rather than asking itself. */
  void coalesced() {
    coalesced.increment();
  }

  /**
   * Records a loaded value whose write-back the store refused: the key was invalidated or put while
   * it loaded, so the value went to its callers but is cached nowhere.
   */
  void writeRefused() {
    writesRefused.increment();
  }

  long writesRefused() {
    return writesRefused.sum();
  }

  /** Records a read answered with a stale copy because its load failed. */
  void staleOnError() {
    staleOnError.increment();
  }

  long staleOnErrors() {
    return staleOnError.sum();
  }

  /** Records a read that waited for another instance's load under the key's lease. */
  void leaseWait() {
    leaseWaits.increment();
  }

  long leaseWaits() {
    return leaseWaits.sum();
  }

  /** Records a loaded value its tier did not admit (see {@code Admission}): the L0 only. */
  void admissionRefused() {
    admissionsRefused.increment();
  }

  long admissionsRefused() {
    return admissionsRefused.sum();
  }

  /** Sets the memory of the cache's admission sketches, fixed when the cache is built. */
  void admissionSketchBytes(long bytes) {
    admissionSketchBytes = bytes;
  }

  long admissionSketchBytes() {
    return admissionSketchBytes;
  }

  /** Records a message sequence that jumped: messages from one sender were lost. */
  void messageGap() {
    messageGaps.increment();
  }

  long messageGaps() {
    return messageGaps.sum();
  }

  /** Records that the instance stopped trusting its L0 and remote copies (see {@code Trust}). */
  void distrusted() {
    distrusted.increment();
  }

  long distrustedEpisodes() {
    return distrusted.sum();
  }

  /** Records a copy written by another codec or schema: a miss for this reader, left in place. */
  void foreignCopy() {
    foreignCopies.increment();
  }

  long foreignCopies() {
    return foreignCopies.sum();
  }

  long coalescedReads() {
    return coalesced.sum();
  }

  void oversizedValue() {
    oversized.increment();
  }

  // Readers, used by snapshots and by the lazily read Micrometer meters.

  long hits(int tierIndex) {
    return tierIndex == 0 ? l0Hits.sum() : hits[tierIndex].sum();
  }

  long misses(int tierIndex) {
    return misses[tierIndex].sum();
  }

  long l0Evictions() {
    return l0Evictions.sum();
  }

  long promotions(int from, int to) {
    return promotions[from][to].sum();
  }

  long loadSuccesses() {
    return loadSuccesses.sum();
  }

  long loadFailures() {
    return loadFailures.sum();
  }

  long loadSuccessNanos() {
    return loadSuccessNanos.sum();
  }

  long loadFailureNanos() {
    return loadFailureNanos.sum();
  }

  long puts() {
    return puts.sum();
  }

  long decodeErrors() {
    return decodeErrors.sum();
  }

  long remoteErrors() {
    return remoteErrors.sum();
  }

  long oversized() {
    return oversized.sum();
  }

  /** Returns the reads that no level answered: every read less those some level served. */
  long unserved() {
    long served = 0;
    for (int i = 0; i < tierNames.size(); i++) {
      served += hits(i);
    }
    return Math.max(0, requests() - served);
  }

  /**
   * Returns every read: each one either hit or missed the L0 (with the L0 off, every read misses).
   */
  long requests() {
    return hits(0) + misses(0);
  }

  /** Returns an immutable snapshot of every counter. */
  CacheStats snapshot() {
    List<TierStats> tiers = new ArrayList<>(tierNames.size());
    for (int i = 0; i < tierNames.size(); i++) {
      tiers.add(new TierStats(tierNames.get(i), hits(i), misses(i), i == 0 ? l0Evictions() : 0));
    }
    Map<String, Long> promoted = new LinkedHashMap<>();
    for (int from = 0; from < promotions.length; from++) {
      for (int to = 0; to < promotions.length; to++) {
        long n = promotions(from, to);
        if (n > 0) {
          promoted.put(tierNames.get(from + 1) + "->" + tierNames.get(to + 1), n);
        }
      }
    }
    return new CacheStats(
        cacheName,
        requests(),
        tiers,
        loadSuccesses(),
        loadFailures(),
        loadSuccessNanos() + loadFailureNanos(),
        promoted,
        puts(),
        decodeErrors(),
        remoteErrors(),
        oversized(),
        coalescedReads(),
        writesRefused(),
        messageGaps(),
        distrustedEpisodes(),
        foreignCopies(),
        admissionsRefused(),
        admissionSketchBytes(),
        staleOnErrors(),
        leaseWaits());
  }
}
