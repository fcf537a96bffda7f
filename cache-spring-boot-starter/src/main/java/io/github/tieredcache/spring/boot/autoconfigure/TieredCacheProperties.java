package io.github.tieredcache.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * The {@code tiered-cache.*} properties.
 *
 * <p>Every cache starts from {@code tiered-cache.defaults} and {@code tiered-cache.caches.<name>}
 * overrides it setting by setting (a tier list is replaced whole). A setting given in neither takes
 * the library's default, noted on each property.
 *
 * <p>The properties check themselves when bound (they are a {@link Validator}), so a bad value
 * fails startup with a message naming the property.
 */
@ConfigurationProperties(prefix = "tiered-cache", ignoreUnknownFields = false)
public class TieredCacheProperties implements Validator {

  /** Whether to auto-configure tiered caches. */
  private boolean enabled = true;

  /** Caches to create at startup. */
  private List<String> cacheNames = new ArrayList<>();

  /** Whether a cache not listed in cache-names is created on first use. */
  private boolean dynamic = true;

  /**
   * Packages whose classes a cache without a value-type may store (sub-packages included); a copy
   * naming another class is a miss. Default: the application's packages (those of its
   * {@code @SpringBootApplication} class).
   */
  private List<String> allowedPackages = new ArrayList<>();

  /** Settings every cache starts from. */
  @NestedConfigurationProperty private final CacheSpec defaults = new CacheSpec();

  /** Settings of individual caches, by cache name, overriding the defaults. */
  private final Map<String, CacheSpec> caches = new LinkedHashMap<>();

  /** The Redis the remote tiers are kept on (the "default" store). */
  @NestedConfigurationProperty private final RedisConnection redis = new RedisConnection();

  /** Further Redis deployments, by store name, that tiers may name in their store setting. */
  private final Map<String, RedisConnection> stores = new LinkedHashMap<>();

  /** The circuit breaker in front of every Redis store. */
  private final CircuitBreaker circuitBreaker = new CircuitBreaker();

  /** Health reporting of the tier stores. */
  private final Health health = new Health();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public List<String> getCacheNames() {
    return cacheNames;
  }

  public void setCacheNames(List<String> cacheNames) {
    this.cacheNames = cacheNames;
  }

  public boolean isDynamic() {
    return dynamic;
  }

  public void setDynamic(boolean dynamic) {
    this.dynamic = dynamic;
  }

  public List<String> getAllowedPackages() {
    return allowedPackages;
  }

  public void setAllowedPackages(List<String> allowedPackages) {
    this.allowedPackages = allowedPackages;
  }

  public CacheSpec getDefaults() {
    return defaults;
  }

  public Map<String, CacheSpec> getCaches() {
    return caches;
  }

  public RedisConnection getRedis() {
    return redis;
  }

  public Map<String, RedisConnection> getStores() {
    return stores;
  }

  public CircuitBreaker getCircuitBreaker() {
    return circuitBreaker;
  }

  public Health getHealth() {
    return health;
  }

  /** Returns the settings of the cache called {@code name}: its own over the defaults. */
  public ResolvedCacheSpec resolve(String name) {
    return ResolvedCacheSpec.of(defaults, caches.get(name));
  }

  @Override
  public boolean supports(Class<?> type) {
    return TieredCacheProperties.class.isAssignableFrom(type);
  }

  @Override
  public void validate(Object target, Errors errors) {
    new TieredCachePropertiesValidator((TieredCacheProperties) target, errors).validate();
  }

  /** What a cache can set; {@code null} means "as the defaults", then "as the library". */
  public static class CacheSpec {

    /** The in-process L0 in front of the remote tiers. */
    private L0 l0 = new L0();

    /**
     * The remote tiers, hottest first. Default: hot (max-age 1h, ttl 60s), warm (max-age 24h, ttl
     * 1h), cold (ttl 24h).
     */
    private @Nullable List<TierSpec> tiers;

    /** The tier that values go to when no placement is set in code. Default: the first tier. */
    private @Nullable String defaultTier;

    /** When a hit in a colder tier is copied into a hotter one. */
    private Promotion promotion = new Promotion();

    /**
     * How long a null loaded by @Cacheable(sync = true) is remembered as absent when
     * allow-null-values is false. Default: not remembered.
     */
    private @Nullable Duration absentTtl;

    /**
     * When a load fails, serve a copy past its freshness by at most this long instead of the
     * failure; the store keeps copies that much longer. Default: off.
     */
    private @Nullable Duration staleOnError;

    /**
     * After this long, a read whose load still runs is answered with a copy kept by stale-on-error,
     * if there is one; needs stale-on-error. Default: off.
     */
    private @Nullable Duration softLoadTimeout;

    /**
     * After this long, a read whose load still runs gets such a copy or fails with a
     * LoadTimeoutException; the load goes on and is cached when it completes. Default: off.
     */
    private @Nullable Duration hardLoadTimeout;

    /**
     * How long a fleet-wide load lease lasts: on a miss, one instance loads the key and the others
     * wait for its copy, at most this long. 0 turns leases off. Default: 1s.
     */
    private @Nullable Duration loadLease;

    /**
     * Probabilistic early refresh (XFetch) of keys read often, shortly before they expire: its
     * beta, 1 as in the paper; 0 turns it off. Default: 0.
     */
    private @Nullable Double earlyRefresh;

    /** The largest share by which each TTL is randomly shortened, 0 to 0.5. Default: 0.05. */
    private @Nullable Double ttlJitter;

    /**
     * How the cache keeps what it serves fresh: ttl (a tier's TTL bounds staleness) or invalidation
     * (every change calls put or evict; TTLs bound residency, and max-staleness bounds staleness
     * through faults). Default: ttl.
     */
    private @Nullable FreshnessMode freshness;

    /**
     * With freshness invalidation, how stale a read may be after a put or evict returned, through
     * store faults that heal. Default: 5s.
     */
    private @Nullable Duration maxStaleness;

    /**
     * The type of the cache's values, written as JSON for exactly that type: a class name ({@code
     * com.example.Post}, {@code Outer$Inner} for a nested class) or a generic type in Java's
     * notation ({@code java.util.List<com.example.Post>}, {@code java.util.Map<java.lang.String,
     * com.example.Post>}) for a method that returns a collection or a {@code Flux}. Default: none,
     * so each copy records its value's class (and a collection's element class), which must be in
     * allowed-packages.
     */
    private @Nullable String valueType;

    /** Text put in front of every key of the cache. Default: none. */
    private @Nullable String keyPrefix;

    /** Whether a null value is cached (as Spring's NullValue). Default: true. */
    private @Nullable Boolean allowNullValues;

    /** The store of the tiers that name none. Default: "default". */
    private @Nullable String store;

    public L0 getL0() {
      return l0;
    }

    public void setL0(L0 l0) {
      this.l0 = l0;
    }

    public @Nullable List<TierSpec> getTiers() {
      return tiers;
    }

    public void setTiers(@Nullable List<TierSpec> tiers) {
      this.tiers = tiers;
    }

    public @Nullable String getDefaultTier() {
      return defaultTier;
    }

    public void setDefaultTier(@Nullable String defaultTier) {
      this.defaultTier = defaultTier;
    }

    public Promotion getPromotion() {
      return promotion;
    }

    public void setPromotion(Promotion promotion) {
      this.promotion = promotion;
    }

    public @Nullable Duration getStaleOnError() {
      return staleOnError;
    }

    public void setStaleOnError(@Nullable Duration staleOnError) {
      this.staleOnError = staleOnError;
    }

    public @Nullable Duration getSoftLoadTimeout() {
      return softLoadTimeout;
    }

    public void setSoftLoadTimeout(@Nullable Duration softLoadTimeout) {
      this.softLoadTimeout = softLoadTimeout;
    }

    public @Nullable Duration getHardLoadTimeout() {
      return hardLoadTimeout;
    }

    public void setHardLoadTimeout(@Nullable Duration hardLoadTimeout) {
      this.hardLoadTimeout = hardLoadTimeout;
    }

    public @Nullable Duration getLoadLease() {
      return loadLease;
    }

    public void setLoadLease(@Nullable Duration loadLease) {
      this.loadLease = loadLease;
    }

    public @Nullable Double getEarlyRefresh() {
      return earlyRefresh;
    }

    public void setEarlyRefresh(@Nullable Double earlyRefresh) {
      this.earlyRefresh = earlyRefresh;
    }

    public @Nullable Duration getAbsentTtl() {
      return absentTtl;
    }

    public void setAbsentTtl(@Nullable Duration absentTtl) {
      this.absentTtl = absentTtl;
    }

    public @Nullable FreshnessMode getFreshness() {
      return freshness;
    }

    public void setFreshness(@Nullable FreshnessMode freshness) {
      this.freshness = freshness;
    }

    public @Nullable Duration getMaxStaleness() {
      return maxStaleness;
    }

    public void setMaxStaleness(@Nullable Duration maxStaleness) {
      this.maxStaleness = maxStaleness;
    }

    public @Nullable Double getTtlJitter() {
      return ttlJitter;
    }

    public void setTtlJitter(@Nullable Double ttlJitter) {
      this.ttlJitter = ttlJitter;
    }

    public @Nullable String getValueType() {
      return valueType;
    }

    public void setValueType(@Nullable String valueType) {
      this.valueType = valueType;
    }

    public @Nullable String getKeyPrefix() {
      return keyPrefix;
    }

    public void setKeyPrefix(@Nullable String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }

    public @Nullable Boolean getAllowNullValues() {
      return allowNullValues;
    }

    public void setAllowNullValues(@Nullable Boolean allowNullValues) {
      this.allowNullValues = allowNullValues;
    }

    public @Nullable String getStore() {
      return store;
    }

    public void setStore(@Nullable String store) {
      this.store = store;
    }
  }

  /** The in-process L0 of a cache. */
  public static class L0 {

    /** Whether the cache keeps an in-process L0. Default: true. */
    private @Nullable Boolean enabled;

    /** The most entries the L0 holds. Default: 10000. */
    private @Nullable Long maximumSize;

    /**
     * The longest an entry lives in the L0 (it never outlives its remote copy either). Default:
     * 30s.
     */
    private @Nullable Duration expireAfterWrite;

    public @Nullable Boolean getEnabled() {
      return enabled;
    }

    public void setEnabled(@Nullable Boolean enabled) {
      this.enabled = enabled;
    }

    public @Nullable Long getMaximumSize() {
      return maximumSize;
    }

    public void setMaximumSize(@Nullable Long maximumSize) {
      this.maximumSize = maximumSize;
    }

    public @Nullable Duration getExpireAfterWrite() {
      return expireAfterWrite;
    }

    public void setExpireAfterWrite(@Nullable Duration expireAfterWrite) {
      this.expireAfterWrite = expireAfterWrite;
    }
  }

  /** One remote tier. */
  public static class TierSpec {

    /** The tier's name: letters, digits, '-' and '_'; also its metric tag. */
    private @Nullable String name;

    /** How long a copy in this tier is fresh. Default: 1h. */
    private @Nullable Duration ttl;

    /** Values younger than this are placed here by age; only the last tier may leave it unset. */
    private @Nullable Duration maxAge;

    /** How long after its TTL a copy is still served while it is refreshed in the background. */
    private Duration staleWindow = Duration.ZERO;

    /** The store holding this tier. Default: the cache's store. */
    private @Nullable String store;

    /**
     * When set, this tier takes a copy only of keys loaded twice, counted in a frequency sketch
     * sized for this many distinct keys (2 bytes each). Default: every loaded key.
     */
    private @Nullable Long admissionExpectedKeys;

    /**
     * How long before a copy of this tier stops being fresh a read of it starts one background
     * refresh (refresh-ahead); shorter than the ttl. Default: 0, off.
     */
    private Duration refreshAhead = Duration.ZERO;

    public Duration getRefreshAhead() {
      return refreshAhead;
    }

    public void setRefreshAhead(Duration refreshAhead) {
      this.refreshAhead = refreshAhead;
    }

    public @Nullable String getName() {
      return name;
    }

    public void setName(@Nullable String name) {
      this.name = name;
    }

    public @Nullable Duration getTtl() {
      return ttl;
    }

    public void setTtl(@Nullable Duration ttl) {
      this.ttl = ttl;
    }

    public @Nullable Duration getMaxAge() {
      return maxAge;
    }

    public void setMaxAge(@Nullable Duration maxAge) {
      this.maxAge = maxAge;
    }

    public Duration getStaleWindow() {
      return staleWindow;
    }

    public void setStaleWindow(Duration staleWindow) {
      this.staleWindow = staleWindow;
    }

    public @Nullable String getStore() {
      return store;
    }

    public void setStore(@Nullable String store) {
      this.store = store;
    }

    public @Nullable Long getAdmissionExpectedKeys() {
      return admissionExpectedKeys;
    }

    public void setAdmissionExpectedKeys(@Nullable Long admissionExpectedKeys) {
      this.admissionExpectedKeys = admissionExpectedKeys;
    }
  }

  /** The freshness modes a property can name. */
  public enum FreshnessMode {
    /** A tier's TTL bounds how stale a copy may be. */
    TTL,
    /** put and evict keep copies fresh; TTLs bound residency; max-staleness bounds staleness. */
    INVALIDATION
  }

  /** The promotion policies a property can name. */
  public enum PromotionPolicy {
    /** A hit in the second tier is copied into the first. */
    WARM_TO_HOT,
    /** Hits are never copied. */
    NEVER,
    /** A hit in the from tier is copied into the to tier. */
    ON_HIT,
    /** An entry hit "hits" times within "window" in the from tier is copied into the to tier. */
    AFTER_HITS
  }

  /** When a hit in a colder tier is copied into a hotter one. */
  public static class Promotion {

    /**
     * The policy: warm-to-hot, never, on-hit or after-hits. Default: the library's, chosen on the
     * effectiveness report: warm-to-hot, moving, with freshness by invalidation; never with
     * freshness by TTL.
     */
    private @Nullable PromotionPolicy policy;

    /**
     * Whether a promotion moves the copy (removes the colder one) instead of copying it. Default:
     * false when a policy is set.
     */
    private @Nullable Boolean moving;

    /** For after-hits: how many hits promote an entry. Default: 2. */
    private @Nullable Integer hits;

    /** For after-hits: the window the hits must fall in. Default: 1m. */
    private @Nullable Duration window;

    /** For on-hit and after-hits: the tier promoted from. Default: the second tier. */
    private @Nullable String from;

    /** For on-hit and after-hits: the tier promoted into. Default: the first tier. */
    private @Nullable String to;

    public @Nullable PromotionPolicy getPolicy() {
      return policy;
    }

    public void setPolicy(@Nullable PromotionPolicy policy) {
      this.policy = policy;
    }

    public @Nullable Boolean getMoving() {
      return moving;
    }

    public void setMoving(@Nullable Boolean moving) {
      this.moving = moving;
    }

    public @Nullable Integer getHits() {
      return hits;
    }

    public void setHits(@Nullable Integer hits) {
      this.hits = hits;
    }

    public @Nullable Duration getWindow() {
      return window;
    }

    public void setWindow(@Nullable Duration window) {
      this.window = window;
    }

    public @Nullable String getFrom() {
      return from;
    }

    public void setFrom(@Nullable String from) {
      this.from = from;
    }

    public @Nullable String getTo() {
      return to;
    }

    public void setTo(@Nullable String to) {
      this.to = to;
    }
  }

  /**
   * A Redis deployment. Unset connection settings fall back, for the default store, to Spring
   * Boot's spring.data.redis.* settings.
   */
  public static class RedisConnection {

    /** Redis Cluster. */
    private final Cluster cluster = new Cluster();

    /** Host of a standalone Redis. */
    private @Nullable String host;

    /** Port of a standalone Redis. Default: 6379. */
    private @Nullable Integer port;

    /** Database index of a standalone Redis. Default: 0. */
    private @Nullable Integer database;

    /** Login user (Redis ACL). */
    private @Nullable String username;

    /** Login password. */
    private @Nullable String password;

    /** TLS. */
    private final Ssl ssl = new Ssl();

    /**
     * How long a Redis command may take before it fails; the one timeout of every remote call of
     * the caches on this store (a read that takes longer is answered by the loader, a write that
     * takes longer is fenced so it can never land later). Default: 500ms.
     */
    private @Nullable Duration commandTimeout;

    /** Text put in front of every Redis key the store writes. Default: the store's own. */
    private @Nullable String keyPrefix;

    public Cluster getCluster() {
      return cluster;
    }

    public @Nullable String getHost() {
      return host;
    }

    public void setHost(@Nullable String host) {
      this.host = host;
    }

    public @Nullable Integer getPort() {
      return port;
    }

    public void setPort(@Nullable Integer port) {
      this.port = port;
    }

    public @Nullable Integer getDatabase() {
      return database;
    }

    public void setDatabase(@Nullable Integer database) {
      this.database = database;
    }

    public @Nullable String getUsername() {
      return username;
    }

    public void setUsername(@Nullable String username) {
      this.username = username;
    }

    public @Nullable String getPassword() {
      return password;
    }

    public void setPassword(@Nullable String password) {
      this.password = password;
    }

    public Ssl getSsl() {
      return ssl;
    }

    public @Nullable Duration getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(@Nullable Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
    }

    public @Nullable String getKeyPrefix() {
      return keyPrefix;
    }

    public void setKeyPrefix(@Nullable String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }
  }

  /** Redis Cluster settings. */
  public static class Cluster {

    /** Seed nodes, as host:port or redis:// / rediss:// URIs. */
    private List<String> nodes = new ArrayList<>();

    /** How often the cluster topology is refreshed, besides on redirects and reconnects. */
    private Duration topologyRefreshPeriod = Duration.ofSeconds(30);

    public List<String> getNodes() {
      return nodes;
    }

    public void setNodes(List<String> nodes) {
      this.nodes = nodes;
    }

    public Duration getTopologyRefreshPeriod() {
      return topologyRefreshPeriod;
    }

    public void setTopologyRefreshPeriod(Duration topologyRefreshPeriod) {
      this.topologyRefreshPeriod = topologyRefreshPeriod;
    }
  }

  /** TLS settings. */
  public static class Ssl {

    /** Whether to connect with TLS. Default: false. */
    private @Nullable Boolean enabled;

    /** Whether to verify the server's certificate and host name. */
    private boolean verifyPeer = true;

    public @Nullable Boolean getEnabled() {
      return enabled;
    }

    public void setEnabled(@Nullable Boolean enabled) {
      this.enabled = enabled;
    }

    public boolean isVerifyPeer() {
      return verifyPeer;
    }

    public void setVerifyPeer(boolean verifyPeer) {
      this.verifyPeer = verifyPeer;
    }
  }

  /**
   * The circuit breaker of each Redis store (see cache-core's ResilientTierStoreOptions): it opens
   * when failure-rate-threshold percent of the last sliding-window-size calls failed, or
   * slow-call-rate-threshold percent were slower than slow-call-duration-threshold.
   */
  public static class CircuitBreaker {

    /** Whether Redis stores are wrapped in a circuit breaker. */
    private boolean enabled = true;

    /** The failure rate, in percent, at or above which the breaker opens. */
    private float failureRateThreshold = 50;

    /** The share of slow calls, in percent, at or above which the breaker opens. */
    private float slowCallRateThreshold = 80;

    /** How long a call may take before it counts as slow. */
    private Duration slowCallDurationThreshold = Duration.ofMillis(250);

    /** How long the breaker stays open before it lets probe calls through. */
    private Duration waitDurationInOpenState = Duration.ofSeconds(2);

    /** How many probe calls are let through while half open. */
    private int permittedNumberOfCallsInHalfOpenState = 3;

    /** How many of the latest calls the rates are computed over. */
    private int slidingWindowSize = 50;

    /** The fewest calls before a rate is computed at all. */
    private int minimumNumberOfCalls = 20;

    /** How many failed invalidations are kept to replay once the store is back. */
    private int backlogCapacity = 10_000;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public float getFailureRateThreshold() {
      return failureRateThreshold;
    }

    public void setFailureRateThreshold(float failureRateThreshold) {
      this.failureRateThreshold = failureRateThreshold;
    }

    public float getSlowCallRateThreshold() {
      return slowCallRateThreshold;
    }

    public void setSlowCallRateThreshold(float slowCallRateThreshold) {
      this.slowCallRateThreshold = slowCallRateThreshold;
    }

    public Duration getSlowCallDurationThreshold() {
      return slowCallDurationThreshold;
    }

    public void setSlowCallDurationThreshold(Duration slowCallDurationThreshold) {
      this.slowCallDurationThreshold = slowCallDurationThreshold;
    }

    public Duration getWaitDurationInOpenState() {
      return waitDurationInOpenState;
    }

    public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
      this.waitDurationInOpenState = waitDurationInOpenState;
    }

    public int getPermittedNumberOfCallsInHalfOpenState() {
      return permittedNumberOfCallsInHalfOpenState;
    }

    public void setPermittedNumberOfCallsInHalfOpenState(
        int permittedNumberOfCallsInHalfOpenState) {
      this.permittedNumberOfCallsInHalfOpenState = permittedNumberOfCallsInHalfOpenState;
    }

    public int getSlidingWindowSize() {
      return slidingWindowSize;
    }

    public void setSlidingWindowSize(int slidingWindowSize) {
      this.slidingWindowSize = slidingWindowSize;
    }

    public int getMinimumNumberOfCalls() {
      return minimumNumberOfCalls;
    }

    public void setMinimumNumberOfCalls(int minimumNumberOfCalls) {
      this.minimumNumberOfCalls = minimumNumberOfCalls;
    }

    public int getBacklogCapacity() {
      return backlogCapacity;
    }

    public void setBacklogCapacity(int backlogCapacity) {
      this.backlogCapacity = backlogCapacity;
    }
  }

  /** Health reporting of the tier stores. */
  public static class Health {

    /**
     * Whether an unreachable store, or one whose breaker is open, reports DOWN; by default it
     * reports UP with details, since the caches keep answering without it.
     */
    private boolean downWhenUnreachable = false;

    /** How long the health check waits for a store to answer. */
    private Duration timeout = Duration.ofSeconds(1);

    public boolean isDownWhenUnreachable() {
      return downWhenUnreachable;
    }

    public void setDownWhenUnreachable(boolean downWhenUnreachable) {
      this.downWhenUnreachable = downWhenUnreachable;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }
  }
}
