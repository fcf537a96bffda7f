package io.github.tieredcache.spring.boot.autoconfigure;

import io.github.tieredcache.Tier;
import io.github.tieredcache.Tiers;
import io.github.tieredcache.spring.boot.autoconfigure.ResolvedCacheSpec.ResolvedTier;
import io.github.tieredcache.spring.boot.autoconfigure.TieredCacheProperties.CacheSpec;
import io.github.tieredcache.spring.boot.autoconfigure.TieredCacheProperties.CircuitBreaker;
import io.github.tieredcache.spring.boot.autoconfigure.TieredCacheProperties.PromotionPolicy;
import io.github.tieredcache.spring.boot.autoconfigure.TieredCacheProperties.RedisConnection;
import io.github.tieredcache.spring.boot.autoconfigure.TieredCacheProperties.TierSpec;
import io.github.tieredcache.spring.boot.store.TierStores;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;
import org.springframework.validation.Errors;

/**
 * Checks bound {@link TieredCacheProperties}; each problem is reported against the property that
 * holds the bad value, and its message names that property in full.
 */
final class TieredCachePropertiesValidator {

  private static final String PREFIX = "tiered-cache.";
  private static final Pattern CACHE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern TIER_NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  private static final Pattern REDIS_PREFIX = Pattern.compile("[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)*");
  private static final Pattern NODE =
      Pattern.compile("(rediss?://.+)|([^:/\\s]+|\\[[0-9a-fA-F:]+\\]):\\d{1,5}");

  private final TieredCacheProperties properties;
  private final Errors errors;
  private final Set<String> storeNames = new HashSet<>();

  TieredCachePropertiesValidator(TieredCacheProperties properties, Errors errors) {
    this.properties = properties;
    this.errors = errors;
  }

  void validate() {
    storeNames.add(TierStores.DEFAULT);
    storeNames.addAll(properties.getStores().keySet());
    for (int i = 0; i < properties.getCacheNames().size(); i++) {
      String name = properties.getCacheNames().get(i);
      cacheName("cache-names[" + i + "]", name);
    }
    for (String pkg : properties.getAllowedPackages()) {
      if (pkg == null
          || pkg.isBlank()
          || !pkg.matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*\\.?")) {
        reject("allowed-packages", "must list Java package names, not '" + pkg + "'");
      }
    }
    ownSettings("defaults", properties.getDefaults());
    resolved("defaults", properties.getDefaults(), null);
    for (Map.Entry<String, CacheSpec> cache : properties.getCaches().entrySet()) {
      String path = "caches." + cache.getKey();
      cacheName(path, cache.getKey());
      ownSettings(path, cache.getValue());
      resolved(path, properties.getDefaults(), cache.getValue());
    }
    redis("redis", properties.getRedis());
    for (Map.Entry<String, RedisConnection> store : properties.getStores().entrySet()) {
      if (store.getKey().equals(TierStores.DEFAULT)) {
        reject(
            "stores." + store.getKey(),
            "'default' is the store of tiered-cache.redis; choose another name");
      }
      redis("stores." + store.getKey(), store.getValue());
    }
    circuitBreaker(properties.getCircuitBreaker());
    positive("health.timeout", properties.getHealth().getTimeout());
  }

  private static ClassLoader classLoader() {
    ClassLoader loader = ClassUtils.getDefaultClassLoader();
    return loader != null ? loader : TieredCachePropertiesValidator.class.getClassLoader();
  }

  private void cacheName(String path, @Nullable String name) {
    if (name == null || name.isBlank()) {
      reject(path, "must name a cache, but is empty");
    } else if (!CACHE_NAME.matcher(name).matches()) {
      reject(path, "must be 1 to 64 letters, digits, '.', '_' or '-', not '" + name + "'");
    }
  }

  /** Checks the values a spec sets itself, each against its own property. */
  private void ownSettings(String path, CacheSpec spec) {
    positiveCount(path + ".l0.maximum-size", spec.getL0().getMaximumSize());
    positive(path + ".l0.expire-after-write", spec.getL0().getExpireAfterWrite());
    positive(path + ".absent-ttl", spec.getAbsentTtl());
    positive(path + ".stale-on-error", spec.getStaleOnError());
    positive(path + ".soft-load-timeout", spec.getSoftLoadTimeout());
    positive(path + ".hard-load-timeout", spec.getHardLoadTimeout());
    Duration soft = spec.getSoftLoadTimeout();
    Duration hard = spec.getHardLoadTimeout();
    if (soft != null && hard != null && soft.compareTo(hard) >= 0) {
      reject(path + ".soft-load-timeout", "must be shorter than hard-load-timeout (" + hard + ")");
    }
    Duration lease = spec.getLoadLease();
    if (lease != null && (lease.isNegative() || (!lease.isZero() && lease.toMillis() < 1))) {
      reject(path + ".load-lease", "must be 0 (off) or at least 1ms, but is " + lease);
    }
    Double beta = spec.getEarlyRefresh();
    if (beta != null && !(beta >= 0 && !beta.isInfinite())) {
      reject(path + ".early-refresh", "must be 0 (off) or positive, but is " + beta);
    }
    positive(path + ".promotion.window", spec.getPromotion().getWindow());
    positiveCount(
        path + ".promotion.hits",
        spec.getPromotion().getHits() == null ? null : spec.getPromotion().getHits().longValue());
    Duration maxStaleness = spec.getMaxStaleness();
    if (maxStaleness != null && maxStaleness.compareTo(Duration.ofMillis(100)) < 0) {
      reject(path + ".max-staleness", "must be at least 100ms, but is " + maxStaleness);
    }
    Double jitter = spec.getTtlJitter();
    if (jitter != null && !(jitter >= 0.0 && jitter <= 0.5)) {
      reject(path + ".ttl-jitter", "must be between 0 and 0.5, but is " + jitter);
    }
    if (spec.getValueType() != null) {
      try {
        ValueTypes.resolve(spec.getValueType(), classLoader());
      } catch (IllegalArgumentException e) {
        reject(path + ".value-type", String.valueOf(e.getMessage()));
      }
    }
    if (spec.getStore() != null && !storeNames.contains(spec.getStore())) {
      reject(
          path + ".store",
          "names no store (known: " + storeNames + "), but is '" + spec.getStore() + "'");
    }
    List<TierSpec> tiers = spec.getTiers();
    if (tiers == null) {
      return;
    }
    if (tiers.isEmpty()) {
      reject(path + ".tiers", "must list at least one tier");
    }
    for (int i = 0; i < tiers.size(); i++) {
      TierSpec tier = tiers.get(i);
      String tierPath = path + ".tiers[" + i + "]";
      if (tier.getName() == null || !TIER_NAME.matcher(tier.getName()).matches()) {
        reject(
            tierPath + ".name",
            "must be 1 to 32 letters, digits, '-' or '_', not '" + tier.getName() + "'");
      }
      positive(tierPath + ".ttl", tier.getTtl());
      positive(tierPath + ".max-age", tier.getMaxAge());
      if (tier.getStaleWindow() != null && tier.getStaleWindow().isNegative()) {
        reject(tierPath + ".stale-window", "must not be negative, but is " + tier.getStaleWindow());
      }
      Duration ahead = tier.getRefreshAhead();
      Duration tierTtl = tier.getTtl() == null ? Duration.ofHours(1) : tier.getTtl();
      if (ahead != null && (ahead.isNegative() || ahead.compareTo(tierTtl) >= 0)) {
        reject(
            tierPath + ".refresh-ahead",
            "must be at least 0 and shorter than the tier's ttl ("
                + tierTtl
                + "), but is "
                + ahead);
      }
      Long admissionKeys = tier.getAdmissionExpectedKeys();
      if (admissionKeys != null && (admissionKeys < 1 || admissionKeys > (1L << 24))) {
        reject(
            tierPath + ".admission-expected-keys",
            "must be between 1 and 16777216, but is " + admissionKeys);
      }
      if (tier.getStore() != null && !storeNames.contains(tier.getStore())) {
        reject(
            tierPath + ".store",
            "names no store (known: " + storeNames + "), but is '" + tier.getStore() + "'");
      }
    }
  }

  /** Checks how a cache's settings fit together, blaming the spec that set the offending value. */
  private void resolved(String path, CacheSpec defaults, @Nullable CacheSpec own) {
    if (errors.hasErrors()) {
      return; // a combination of values already reported as bad says nothing more
    }
    ResolvedCacheSpec spec = ResolvedCacheSpec.of(defaults, own);
    String tiersPath = where(path, own, own != null && own.getTiers() != null) + ".tiers";
    List<Tier> tiers = new ArrayList<>();
    for (ResolvedTier tier : spec.tiers()) {
      tiers.add(tier.toTier(null));
    }
    Tiers checked;
    try {
      checked = Tiers.of(tiers);
    } catch (IllegalArgumentException e) {
      reject(tiersPath, String.valueOf(e.getMessage()).replaceFirst("^tiers:? ?", ""));
      return;
    }
    if (spec.defaultTier() != null && !checked.names().contains(spec.defaultTier())) {
      reject(
          where(path, own, own != null && own.getDefaultTier() != null) + ".default-tier",
          "names no tier of " + checked.names() + ", but is '" + spec.defaultTier() + "'");
    }
    boolean ownPromotion =
        own != null
            && (own.getPromotion().getPolicy() != null
                || own.getPromotion().getFrom() != null
                || own.getPromotion().getTo() != null);
    String promotionPath = where(path, own, ownPromotion) + ".promotion";
    PromotionPolicy policy = spec.promotion();
    if (policy == PromotionPolicy.ON_HIT || policy == PromotionPolicy.AFTER_HITS) {
      String from = spec.promotionSource();
      String to = spec.promotionTarget();
      if (from == null) {
        reject(
            promotionPath + ".from",
            "must be set: "
                + policy.name().toLowerCase().replace('_', '-')
                + " needs two tiers or a from tier");
      } else if (!checked.names().contains(from)) {
        reject(
            promotionPath + ".from",
            "names no tier of " + checked.names() + ", but is '" + from + "'");
      } else if (!checked.names().contains(to)) {
        reject(
            promotionPath + ".to", "names no tier of " + checked.names() + ", but is '" + to + "'");
      } else if (checked.indexOf(to) >= checked.indexOf(from)) {
        reject(
            promotionPath + ".to",
            "must be hotter than from ('" + from + "'), but is '" + to + "'");
      }
    }
  }

  /**
   * Returns the path of the spec that holds a value: the cache's own if it sets it, else defaults.
   */
  private static String where(String path, @Nullable CacheSpec own, boolean ownSetsIt) {
    return own == null || ownSetsIt ? path : "defaults";
  }

  private void redis(String path, RedisConnection redis) {
    for (int i = 0; i < redis.getCluster().getNodes().size(); i++) {
      String node = redis.getCluster().getNodes().get(i);
      if (node == null || !NODE.matcher(node.trim()).matches()) {
        reject(
            path + ".cluster.nodes[" + i + "]",
            "must be host:port or a redis:// URI, not '" + node + "'");
      }
    }
    positive(
        path + ".cluster.topology-refresh-period", redis.getCluster().getTopologyRefreshPeriod());
    Integer port = redis.getPort();
    if (port != null && (port < 1 || port > 65535)) {
      reject(path + ".port", "must be a port number (1 to 65535), but is " + port);
    }
    if (redis.getDatabase() != null && redis.getDatabase() < 0) {
      reject(path + ".database", "must not be negative, but is " + redis.getDatabase());
    }
    positive(path + ".command-timeout", redis.getCommandTimeout());
    String prefix = redis.getKeyPrefix();
    if (prefix != null && (prefix.length() > 64 || !REDIS_PREFIX.matcher(prefix).matches())) {
      reject(
          path + ".key-prefix",
          "must be 1 to 64 letters, digits, '.', '_' or '-', in segments separated by"
              + " single ':', not '"
              + prefix
              + "'");
    }
    if (!redis.getCluster().getNodes().isEmpty() && redis.getHost() != null) {
      reject(
          path + ".host",
          "set either " + PREFIX + path + ".cluster.nodes or " + PREFIX + path + ".host, not both");
    }
  }

  private void circuitBreaker(CircuitBreaker breaker) {
    percentage("circuit-breaker.failure-rate-threshold", breaker.getFailureRateThreshold());
    percentage("circuit-breaker.slow-call-rate-threshold", breaker.getSlowCallRateThreshold());
    positive(
        "circuit-breaker.slow-call-duration-threshold", breaker.getSlowCallDurationThreshold());
    positive("circuit-breaker.wait-duration-in-open-state", breaker.getWaitDurationInOpenState());
    positiveCount(
        "circuit-breaker.permitted-number-of-calls-in-half-open-state",
        (long) breaker.getPermittedNumberOfCallsInHalfOpenState());
    positiveCount("circuit-breaker.sliding-window-size", (long) breaker.getSlidingWindowSize());
    positiveCount(
        "circuit-breaker.minimum-number-of-calls", (long) breaker.getMinimumNumberOfCalls());
    positiveCount("circuit-breaker.backlog-capacity", (long) breaker.getBacklogCapacity());
  }

  private void percentage(String path, float value) {
    if (!(value > 0 && value <= 100)) {
      reject(path, "must be a percentage above 0 and at most 100, but is " + value);
    }
  }

  private void positive(String path, @Nullable Duration value) {
    if (value != null && (value.isNegative() || value.isZero())) {
      reject(path, "must be a positive duration, but is " + value);
    }
  }

  private void positiveCount(String path, @Nullable Long value) {
    if (value != null && value <= 0) {
      reject(path, "must be positive, but is " + value);
    }
  }

  private void reject(String path, String message) {
    errors.reject("tiered-cache.invalid", PREFIX + path + " " + message);
  }
}
