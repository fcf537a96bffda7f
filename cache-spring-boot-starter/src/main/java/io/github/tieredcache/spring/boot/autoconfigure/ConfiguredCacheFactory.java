package io.github.tieredcache.spring.boot.autoconfigure;

import com.fasterxml.jackson.databind.JavaType;
import io.github.tieredcache.Promotion;
import io.github.tieredcache.TieredCache;
import io.github.tieredcache.TieredCacheBuilder;
import io.github.tieredcache.codec.ValueCodec;
import io.github.tieredcache.spring.boot.autoconfigure.TieredCacheProperties.PromotionPolicy;
import io.github.tieredcache.spring.boot.cache.CacheKeyEncoder;
import io.github.tieredcache.spring.boot.cache.ClassTaggedJsonCodec;
import io.github.tieredcache.spring.boot.cache.JsonMapping;
import io.github.tieredcache.spring.boot.cache.NullValueCodec;
import io.github.tieredcache.spring.boot.cache.TieredSpringCache;
import io.github.tieredcache.spring.boot.store.TierStores;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Creates the cache of a name from the {@code tiered-cache.*} properties, the configured stores and
 * the {@link TieredCacheCustomizer}s.
 */
final class ConfiguredCacheFactory implements Function<String, TieredSpringCache> {

  private final TieredCacheProperties properties;
  private final TierStores stores;
  private final List<TieredCacheCustomizer> customizers;
  private final CacheKeyEncoder keyEncoder;
  private final ClassTaggedJsonCodec untypedCodec;
  private final ClassLoader classLoader;
  private final JsonMapping json;

  ConfiguredCacheFactory(
      TieredCacheProperties properties,
      TierStores stores,
      List<TieredCacheCustomizer> customizers,
      CacheKeyEncoder keyEncoder,
      List<String> allowedPackages,
      JsonMapping json,
      ClassLoader classLoader) {
    this.properties = properties;
    this.stores = stores;
    this.customizers = List.copyOf(customizers);
    this.keyEncoder = keyEncoder;
    this.untypedCodec = new ClassTaggedJsonCodec(json, allowedPackages, classLoader);
    this.json = json;
    this.classLoader = classLoader;
  }

  @Override
  public TieredSpringCache apply(String name) {
    ResolvedCacheSpec spec = properties.resolve(name);
    TieredCacheBuilder<Object, Object> builder = TieredCache.builder();
    builder
        .name(name)
        .store(stores.get(spec.store()).store())
        .tiers(spec.toTiers(storeName -> stores.get(storeName).store()))
        .ttlJitter(spec.ttlJitter())
        .freshness(spec.freshness())
        .valueCodec(valueCodec(spec));
    PromotionPolicy policy = spec.promotion();
    if (policy != null) { // else the library's default
      builder.promotion(promotion(spec, policy));
    }
    if (spec.defaultTier() != null) {
      builder.defaultTier(spec.defaultTier());
    }
    if (spec.absentTtl() != null) {
      builder.absentTtl(spec.absentTtl());
    }
    Duration staleOnError = spec.staleOnError();
    if (staleOnError != null) {
      builder.staleOnError(staleOnError);
    }
    Duration soft = spec.softLoadTimeout();
    Duration hard = spec.hardLoadTimeout();
    if (soft != null || hard != null) {
      builder.loadTimeouts(
          soft == null ? Duration.ZERO : soft, hard == null ? Duration.ZERO : hard);
    }
    Duration lease = spec.loadLease();
    if (lease != null) {
      builder.loadLease(lease);
    }
    Double beta = spec.earlyRefresh();
    if (beta != null) {
      builder.earlyRefresh(beta);
    }
    if (spec.l0Enabled()) {
      builder.l0MaximumSize(spec.l0MaximumSize()).l0ExpireAfterWrite(spec.l0ExpireAfterWrite());
    } else {
      builder.l0Disabled();
    }
    for (TieredCacheCustomizer customizer : customizers) {
      customizer.customize(name, builder);
    }
    return new TieredSpringCache(
        builder.build(), spec.allowNullValues(), keyEncoder, spec.keyPrefix(), spec.store());
  }

  private ValueCodec<Object> valueCodec(ResolvedCacheSpec spec) {
    String declared = spec.valueType();
    if (declared == null) {
      return NullValueCodec.wrap(untypedCodec);
    }
    JavaType type = ValueTypes.resolve(declared, classLoader); // the validator checked it
    return NullValueCodec.wrap(json.typed(type.toCanonical(), classLoader), type.getRawClass());
  }

  private static Promotion<Object> promotion(ResolvedCacheSpec spec, PromotionPolicy policy) {
    Promotion<Object> chosen =
        switch (policy) {
          case WARM_TO_HOT -> Promotion.warmToHot();
          case NEVER -> Promotion.never();
          case ON_HIT -> Promotion.onHit(source(spec), spec.promotionTarget());
          case AFTER_HITS ->
              Promotion.afterHits(
                  spec.promotionHits(),
                  spec.promotionWindow(),
                  source(spec),
                  spec.promotionTarget());
        };
    return spec.promotionMoving() ? chosen.moving() : chosen;
  }

  private static String source(ResolvedCacheSpec spec) {
    String from = spec.promotionSource();
    if (from == null) {
      throw new IllegalStateException(
          "promotion needs a from tier"); // the validator reports it first
    }
    return from;
  }
}
