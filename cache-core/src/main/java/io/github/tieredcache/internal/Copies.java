package io.github.tieredcache.internal;

import io.github.tieredcache.Placement;
import io.github.tieredcache.Tier;
import io.github.tieredcache.Tiers;
import io.github.tieredcache.codec.ValueCodec;
import io.github.tieredcache.spi.Envelope;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stored copies: what a value becomes when it is written (its tier, its envelope, its codec's
 * bytes, a jittered lifetime) and what a read's copies mean (fresh, stale, miss or undecodable).
 *
 * <p><b>Which copy serves.</b> A read returns the copy of every tier. The hottest copy that is
 * still fresh serves; if none is fresh, the hottest one still within its stale window serves stale
 * (and a refresh follows); copies past their servable-until are ignored, so a dead hot copy that
 * the store has not dropped yet (clock skew, a stale window) never hides a live warm one. Only the
 * copy chosen is decoded. Its envelope is read in place; a copy whose header is not a format this
 * library reads, or whose payload does not decode, is {@link Undecodable} (and removed), and so is
 * a copy above the size bound, which is never decoded.
 *
 * <p><b>Copies of another codec or schema</b> (the codec id names the value type's schema, see
 * {@code JacksonValueCodec}): during a rolling deploy two versions of a class run side by side. A
 * copy the other version wrote is a miss here, counted, never decoded and never removed. The load
 * that follows writes its value back only if that copy is older than {@link #FOREIGN_GRACE}: a
 * younger one means the other version is probably still running, and overwriting would start the
 * two versions overwriting each other's copies in a loop. So each version serves its own copies,
 * and a key's copy changes hands at most once per grace.
 *
 * <p><b>Lifetimes.</b> A copy written to a tier is fresh for the tier's TTL shortened by a random
 * share up to the jitter, then servable for the tier's stale window; the store keeps it that long.
 * Under freshness by TTL a promoted copy does not become fresher by moving: it keeps its source's
 * fresh-until, capped by the target tier's (jittered) TTL, and its source's servable-until, capped
 * by the target's stale window. Under freshness by invalidation a TTL bounds residency only, and a
 * promoted copy gets the target tier's own.
 *
 * <p>Instants are epoch milliseconds of the cache's clock. Thread-safe: immutable but for the
 * random source, which must be thread-safe itself, and a once-only warning flag.
 */
final class Copies<K, V> {

  private static final Logger log = LoggerFactory.getLogger(Copies.class);

  /** Where and how a value is written; {@code copy == null} means "the L0 only". */
  record Placed(int tier, byte @Nullable [] copy, Duration ttl, long freshUntil) {}

  /** What a read's copies amount to. */
  sealed interface Choice permits Fresh, Stale, Miss, Undecodable {}

  /** A fresh copy in tier {@code tier}: served, may fill the L0 and be promoted. */
  record Fresh(Object value, int tier, byte[] copy) implements Choice {
    long freshUntil() {
      return Envelope.freshUntil(copy);
    }
  }

  /** A copy past its fresh-until but within its stale window: served while a refresh runs. */
  record Stale(Object value, int tier, byte[] copy) implements Choice {}

  /**
   * No copy that may be served; {@code writeBack} is false when a recent copy of another codec or
   * schema must be left in place; {@code rescue} is a copy past its stale window that may still be
   * served if the load fails (see {@code TieredCacheBuilder.staleOnError}), or {@code null}.
   */
  record Miss(boolean writeBack, byte @Nullable [] rescue) implements Choice {
    static final Miss MISS = new Miss(true, null);
    static final Miss KEEP_FOREIGN = new Miss(false, null);
  }

  /**
   * The copy in {@code tier} did not decode, or exceeds the size bound ({@code oversized}); the key
   * is to be removed and counted.
   */
  record Undecodable(int tier, RuntimeException cause, boolean oversized) implements Choice {}

  /** How long a copy of another codec or schema is left alone; see the class comment. */
  static final long FOREIGN_GRACE = java.time.Duration.ofMinutes(10).toMillis();

  private final String cacheName;
  private final Tiers tiers;
  private final Placement<K, V> placement;
  private final int defaultTier;
  private final ValueCodec<V> codec;
  private final String codecId;
  private final byte[] codecIdBytes;
  private final @Nullable Duration absentTtl;
  private final double jitter;
  private final RandomGenerator random;
  private final int maxRemoteValueBytes;
  private final StatsRecorder stats;
  private final boolean byInvalidation;
  private final int maxCopyBytes;
  private final long staleOnErrorMillis;
  private final AtomicBoolean oversizedWarned = new AtomicBoolean();

  Copies(
      String cacheName,
      Tiers tiers,
      Placement<K, V> placement,
      int defaultTier,
      ValueCodec<V> codec,
      @Nullable Duration absentTtl,
      double jitter,
      RandomGenerator random,
      int maxRemoteValueBytes,
      StatsRecorder stats,
      boolean byInvalidation,
      Duration staleOnError) {
    this.cacheName = cacheName;
    this.tiers = tiers;
    this.placement = placement;
    this.defaultTier = defaultTier;
    this.codec = codec;
    this.codecId = codec.id();
    this.codecIdBytes = Envelope.codecIdBytes(codecId);
    this.absentTtl = absentTtl;
    this.jitter = jitter;
    this.random = random;
    this.maxRemoteValueBytes = maxRemoteValueBytes;
    this.maxCopyBytes = maxRemoteValueBytes + Envelope.MAX_HEADER_BYTES;
    this.stats = stats;
    this.byInvalidation = byInvalidation;
    this.staleOnErrorMillis = staleOnError.toMillis();
  }

  /** Returns whether a loaded absence is cached at all (an absent-value TTL is set). */
  boolean cachesAbsence() {
    return absentTtl != null;
  }

  /**
   * Returns where {@code value} ({@link Values#ABSENT} for an absence, which needs an absent TTL)
   * goes and the bytes of its copy.
   *
   * @throws IllegalStateException if the placement names no tier of the cache
   * @throws RuntimeException whatever the codec throws for a value it cannot encode
   */
  Placed place(K key, Object value, long now) {
    if (value == Values.ABSENT) {
      Duration ttl = Objects.requireNonNull(absentTtl, "absentTtl");
      long freshUntil = now + ttl.toMillis();
      byte[] copy = Envelope.wrap(codecId, true, now, freshUntil, freshUntil, new byte[0]);
      return new Placed(defaultTier, copy, ttl, freshUntil);
    }
    @SuppressWarnings("unchecked")
    V v = (V) value;
    int tier = placement.place(key, v, tiers, Instant.ofEpochMilli(now));
    if (tier < 0 || tier >= tiers.size()) {
      throw new IllegalStateException(
          "placement returned tier " + tier + ", not one of " + tiers.names());
    }
    Tier t = tiers.get(tier);
    long fresh = jittered(t.ttl());
    long freshUntil = now + fresh;
    byte[] payload = codec.encode(v);
    if (payload.length > maxRemoteValueBytes) {
      oversized(payload.length, "stay in the L0 only");
      return new Placed(tier, null, Duration.ofMillis(fresh), freshUntil);
    }
    long servableUntil = freshUntil + t.staleWindow().toMillis();
    byte[] copy = Envelope.wrap(codecId, false, now, freshUntil, servableUntil, payload);
    return new Placed(tier, copy, kept(servableUntil, freshUntil, now), freshUntil);
  }

  /**
   * How long the store keeps a copy: until it is servable, or served on error, whichever is later.
   */
  private Duration kept(long servableUntil, long freshUntil, long now) {
    return Duration.ofMillis(Math.max(servableUntil, freshUntil + staleOnErrorMillis) - now);
  }

  /**
   * Decodes a {@link Miss#rescue} copy, or returns {@code null} when it does not decode; the caller
   * serves it in place of a failed load.
   */
  @Nullable Object rescue(byte[] copy) {
    Choice decoded = decode(-1, copy, /* stale= */ true);
    return decoded instanceof Stale stale ? stale.value() : null;
  }

  /** Returns when a rescue copy stops being within the stale-on-error bound (epoch ms). */
  long rescueUntil(byte[] copy) {
    return Envelope.freshUntil(copy) + staleOnErrorMillis;
  }

  /**
   * Chooses the copy that serves among those {@code read} found, at {@code now} (see above), among
   * the copies written at or after {@code writtenSince} (epoch millis) only; older ones are misses,
   * to be overwritten by the load.
   */
  Choice choose(RemoteTiers.Read read, long now, long writtenSince) {
    int stale = -1;
    int rescue = -1;
    boolean keepForeign = false;
    for (int tier = 0; tier < read.tierCount(); tier++) {
      byte[] copy = read.copy(tier);
      if (copy == null) {
        continue;
      }
      if (copy.length > maxCopyBytes) {
        oversized(copy.length, "found in the store are removed without being decoded");
        return new Undecodable(
            tier,
            new IllegalStateException("a copy of " + copy.length + " bytes exceeds the bound"),
            /* oversized= */ true);
      }
      if (!Envelope.isWellFormed(copy)) {
        return new Undecodable(tier, unreadable(copy), /* oversized= */ false);
      }
      if (!Envelope.isReadable(copy, codecIdBytes)) {
        stats.foreignCopy();
        keepForeign |= now - Envelope.writtenAt(copy) < FOREIGN_GRACE;
        continue; // another codec or schema wrote it: a miss here, left in place
      }
      if (Envelope.writtenAt(copy) < writtenSince) {
        continue; // written before this instance last trusted the store: maybe left stale
      }
      if (now >= Envelope.servableUntil(copy)) {
        if (rescue < 0
            && !Envelope.isAbsent(copy)
            && now < Envelope.freshUntil(copy) + staleOnErrorMillis) {
          rescue = tier; // served only if the load fails
        }
        continue; // dead for reads: the store has not dropped it yet
      }
      if (now < Envelope.freshUntil(copy)) {
        return decode(tier, copy, /* stale= */ false);
      }
      if (stale < 0) {
        stale = tier;
      }
    }
    if (stale >= 0) {
      byte[] copy = Objects.requireNonNull(read.copy(stale));
      return decode(stale, copy, /* stale= */ true);
    }
    if (rescue >= 0) {
      return new Miss(!keepForeign, read.copy(rescue));
    }
    return keepForeign ? Miss.KEEP_FOREIGN : Miss.MISS;
  }

  private void oversized(int bytes, String what) {
    stats.oversizedValue();
    if (oversizedWarned.compareAndSet(false, true)) {
      log.warn(
          "cache '{}': a value of {} bytes exceeds maxRemoteValueBytes ({}); such values {}"
              + " (logged once)",
          cacheName,
          bytes,
          maxRemoteValueBytes,
          what);
    }
  }

  private Choice decode(int tier, byte[] copy, boolean stale) {
    Object value;
    try {
      if (Envelope.isAbsent(copy)) {
        value = Values.ABSENT;
      } else {
        int offset = Envelope.payloadOffset(copy);
        value =
            Objects.requireNonNull(
                codec.decode(copy, offset, copy.length - offset), "the codec decoded null");
      }
    } catch (RuntimeException e) {
      return new Undecodable(tier, e, /* oversized= */ false);
    }
    return stale ? new Stale(value, tier, copy) : new Fresh(value, tier, copy);
  }

  private IllegalArgumentException unreadable(byte[] copy) {
    try {
      Envelope envelope = Envelope.parse(copy);
      return new IllegalArgumentException(
          "copy written by codec '" + envelope.codecId() + "', this cache reads '" + codecId + "'");
    } catch (IllegalArgumentException e) {
      return e;
    }
  }

  /**
   * Returns the copy that promotes {@code found} into tier {@code to}, or {@code null} when it
   * would not be fresh there for even a millisecond; see the class comment.
   */
  @Nullable Placed promoted(Fresh found, int to, long now) {
    Tier target = tiers.get(to);
    long targetFreshUntil = now + jittered(target.ttl());
    long freshUntil =
        byInvalidation ? targetFreshUntil : Math.min(found.freshUntil(), targetFreshUntil);
    if (freshUntil - now <= 0) {
      return null;
    }
    long ownServable = freshUntil + target.staleWindow().toMillis();
    long servableUntil =
        byInvalidation
            ? ownServable
            : Math.max(freshUntil, Math.min(Envelope.servableUntil(found.copy()), ownServable));
    byte[] copy = Envelope.withInstants(found.copy(), freshUntil, servableUntil);
    return new Placed(to, copy, kept(servableUntil, freshUntil, now), freshUntil);
  }

  /** Returns {@code ttl} in milliseconds, shortened by a random share up to the jitter. */
  private long jittered(Duration ttl) {
    long millis = Math.max(1, ttl.toMillis());
    if (jitter == 0.0) {
      return millis;
    }
    long cut = (long) (millis * jitter * random.nextDouble());
    return Math.max(1, millis - cut);
  }
}
