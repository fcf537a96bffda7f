package io.github.tieredcache.spring.boot.autoconfigure;

import io.github.tieredcache.Admission;
import io.github.tieredcache.Freshness;
import io.github.tieredcache.Tier;
import io.github.tieredcache.TieredCacheBuilder;
import io.github.tieredcache.Tiers;
import io.github.tieredcache.spring.boot.autoconfigure.TieredCacheProperties.CacheSpec;
import io.github.tieredcache.spring.boot.autoconfigure.TieredCacheProperties.FreshnessMode;
import io.github.tieredcache.spring.boot.autoconfigure.TieredCacheProperties.PromotionPolicy;
import io.github.tieredcache.spring.boot.autoconfigure.TieredCacheProperties.TierSpec;
import io.github.tieredcache.spring.boot.store.TierStores;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one cache with the defaults filled in: the cache's own, else {@code
 * tiered-cache.defaults}, else the library's.
 *
 * @param l0Enabled whether the cache has an L0
 * @param l0MaximumSize the L0's entry bound
 * @param l0ExpireAfterWrite the L0's lifetime bound
 * @param tiers the remote tiers, hottest first; their stores are names ({@code null}: the cache's)
 * @param defaultTier the tier values go to without a placement; {@code null} for the first
 * @param promotion the promotion policy; {@code null} for the library's default (see {@code
 *     TieredCacheBuilder.promotion})
 * @param promotionMoving whether a promotion removes the copy it came from
 * @param promotionHits for after-hits, the hits that promote
 * @param promotionWindow for after-hits, the window of the hits
 * @param promotionFrom the tier promoted from ({@code null}: the second)
 * @param promotionTo the tier promoted into ({@code null}: the first)
 * @param absentTtl how long a loaded null is remembered as absent, or {@code null}
 * @param staleOnError the bound of serving stale on a failed load, or {@code null} (off)
 * @param softLoadTimeout the soft load timeout, or {@code null} (off)
 * @param hardLoadTimeout the hard load timeout, or {@code null} (off)
 * @param loadLease the load lease time, or {@code null} for the library's default
 * @param earlyRefresh the XFetch beta, or {@code null} (off)
 * @param ttlJitter the TTL jitter
 * @param freshness the freshness mode, with its bound
 * @param valueType the declared value type as configured (see {@link ValueTypes}), or {@code null}
 * @param keyPrefix text in front of every key
 * @param allowNullValues whether nulls are cached
 * @param store the name of the store of tiers that name none
 */
public record ResolvedCacheSpec(
    boolean l0Enabled,
    long l0MaximumSize,
    Duration l0ExpireAfterWrite,
    List<ResolvedTier> tiers,
    @Nullable String defaultTier,
    @Nullable PromotionPolicy promotion,
    boolean promotionMoving,
    int promotionHits,
    Duration promotionWindow,
    @Nullable String promotionFrom,
    @Nullable String promotionTo,
    @Nullable Duration absentTtl,
    @Nullable Duration staleOnError,
    @Nullable Duration softLoadTimeout,
    @Nullable Duration hardLoadTimeout,
    @Nullable Duration loadLease,
    @Nullable Double earlyRefresh,
    double ttlJitter,
    Freshness freshness,
    @Nullable String valueType,
    String keyPrefix,
    boolean allowNullValues,
    String store) {

  /** The after-hits count when none is set. */
  public static final int DEFAULT_PROMOTION_HITS = 2;

  /** The after-hits window when none is set. */
  public static final Duration DEFAULT_PROMOTION_WINDOW = Duration.ofMinutes(1);

  /**
   * One tier of a resolved spec.
   *
   * @param name the tier's name
   * @param ttl how long a copy is fresh
   * @param maxAge the age bound, or {@code null}
   * @param staleWindow the stale window
   * @param store the name of the tier's store, or {@code null} for the cache's
   * @param admission which loaded keys the tier takes a copy of
   * @param refreshAhead the tier's refresh-ahead time (zero: off)
   */
  public record ResolvedTier(
      String name,
      Duration ttl,
      @Nullable Duration maxAge,
      Duration staleWindow,
      @Nullable String store,
      Admission admission,
      Duration refreshAhead) {

    /** Returns the core tier, kept on {@code store} ({@code null}: the cache's store). */
    Tier toTier(io.github.tieredcache.spi.@Nullable TierStore store) {
      Tier tier = new Tier(name, ttl, maxAge, staleWindow, null, admission, refreshAhead);
      return store == null ? tier : tier.store(store);
    }
  }

  static ResolvedCacheSpec of(CacheSpec defaults, @Nullable CacheSpec own) {
    CacheSpec cache = own == null ? new CacheSpec() : own;
    List<TierSpec> tierSpecs = pick(cache.getTiers(), defaults.getTiers());
    Freshness freshness =
        or(pick(cache.getFreshness(), defaults.getFreshness()), FreshnessMode.TTL)
                == FreshnessMode.INVALIDATION
            ? Freshness.byInvalidation(
                or(
                    pick(cache.getMaxStaleness(), defaults.getMaxStaleness()),
                    Freshness.DEFAULT_MAX_STALENESS))
            : Freshness.byTtl();
    Tiers defaultTiers =
        freshness.isByInvalidation() ? Tiers.forInvalidation() : Tiers.hotWarmCold();
    List<ResolvedTier> tiers =
        tierSpecs == null
            ? defaultTiers.asList().stream()
                .map(
                    t ->
                        new ResolvedTier(
                            t.name(),
                            t.ttl(),
                            t.maxAge(),
                            t.staleWindow(),
                            null,
                            t.admission(),
                            t.refreshAhead()))
                .toList()
            : tierSpecs.stream()
                .map(
                    t ->
                        new ResolvedTier(
                            String.valueOf(t.getName()),
                            t.getTtl() == null ? Duration.ofHours(1) : t.getTtl(),
                            t.getMaxAge(),
                            t.getStaleWindow() == null ? Duration.ZERO : t.getStaleWindow(),
                            t.getStore(),
                            t.getAdmissionExpectedKeys() == null
                                ? Admission.everyKey()
                                : Admission.onSecondRequest(t.getAdmissionExpectedKeys()),
                            t.getRefreshAhead()))
                .toList();
    return new ResolvedCacheSpec(
        or(pick(cache.getL0().getEnabled(), defaults.getL0().getEnabled()), true),
        or(
            pick(cache.getL0().getMaximumSize(), defaults.getL0().getMaximumSize()),
            TieredCacheBuilder.DEFAULT_L0_MAXIMUM_SIZE),
        or(
            pick(cache.getL0().getExpireAfterWrite(), defaults.getL0().getExpireAfterWrite()),
            TieredCacheBuilder.DEFAULT_L0_EXPIRE_AFTER_WRITE),
        tiers,
        pick(cache.getDefaultTier(), defaults.getDefaultTier()),
        pick(cache.getPromotion().getPolicy(), defaults.getPromotion().getPolicy()),
        or(pick(cache.getPromotion().getMoving(), defaults.getPromotion().getMoving()), false),
        or(
            pick(cache.getPromotion().getHits(), defaults.getPromotion().getHits()),
            DEFAULT_PROMOTION_HITS),
        or(
            pick(cache.getPromotion().getWindow(), defaults.getPromotion().getWindow()),
            DEFAULT_PROMOTION_WINDOW),
        pick(cache.getPromotion().getFrom(), defaults.getPromotion().getFrom()),
        pick(cache.getPromotion().getTo(), defaults.getPromotion().getTo()),
        pick(cache.getAbsentTtl(), defaults.getAbsentTtl()),
        pick(cache.getStaleOnError(), defaults.getStaleOnError()),
        pick(cache.getSoftLoadTimeout(), defaults.getSoftLoadTimeout()),
        pick(cache.getHardLoadTimeout(), defaults.getHardLoadTimeout()),
        pick(cache.getLoadLease(), defaults.getLoadLease()),
        pick(cache.getEarlyRefresh(), defaults.getEarlyRefresh()),
        or(
            pick(cache.getTtlJitter(), defaults.getTtlJitter()),
            TieredCacheBuilder.DEFAULT_TTL_JITTER),
        freshness,
        pick(cache.getValueType(), defaults.getValueType()),
        or(pick(cache.getKeyPrefix(), defaults.getKeyPrefix()), ""),
        or(pick(cache.getAllowNullValues(), defaults.getAllowNullValues()), true),
        or(pick(cache.getStore(), defaults.getStore()), TierStores.DEFAULT));
  }

  /** Returns the core tiers, each on the store its name resolves to. */
  Tiers toTiers(Function<String, io.github.tieredcache.spi.TierStore> storeByName) {
    return Tiers.of(
        tiers.stream()
            .map(t -> t.toTier(t.store() == null ? null : storeByName.apply(t.store())))
            .toList());
  }

  /** Returns the name of the tier promoted from: the configured one, else the second tier. */
  @Nullable String promotionSource() {
    return promotionFrom != null ? promotionFrom : tiers.size() > 1 ? tiers.get(1).name() : null;
  }

  /** Returns the name of the tier promoted into: the configured one, else the first tier. */
  String promotionTarget() {
    return promotionTo != null ? promotionTo : tiers.get(0).name();
  }

  private static <T> @Nullable T pick(@Nullable T own, @Nullable T fallback) {
    return own != null ? own : fallback;
  }

  private static <T> T or(@Nullable T value, T fallback) {
    return value != null ? value : fallback;
  }
}
