package io.github.tieredcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tieredcache.codec.ValueCodec;
import io.github.tieredcache.memory.InMemoryTierStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TieredCacheBuilderTest {

  private final InMemoryTierStore store = new InMemoryTierStore();

  @AfterEach
  void closeStore() {
    store.close();
  }

  private static TieredCacheBuilder<String, String> builder() {
    return TieredCache.builder();
  }

  private TieredCacheBuilder<String, String> minimal() {
    return TieredCache.<String, String>builder()
        .name("posts")
        .store(store)
        .valueCodec(ValueCodec.utf8());
  }

  static Stream<Arguments> nullSettings() {
    return Stream.of(
        setting("name", b -> b.name(null)),
        setting("tiers", b -> b.tiers((Tiers) null)),
        setting("tiers", b -> b.tiers((Tier[]) null)),
        setting("ageOf", b -> b.ageOf(null)),
        setting("placement", b -> b.placement(null)),
        setting("defaultTier", b -> b.defaultTier(null)),
        setting("promotion", b -> b.promotion(null)),
        setting("store", b -> b.store(null)),
        setting("valueCodec", b -> b.valueCodec(null)),
        setting("keyCodec", b -> b.keyCodec(null)),
        setting("loader", b -> b.loader(null)),
        setting("bulkLoader", b -> b.bulkLoader(null)),
        setting("absentTtl", b -> b.absentTtl(null)),
        setting("weigher", b -> b.l0MaximumWeight(100, null)),
        setting("l0ExpireAfterWrite", b -> b.l0ExpireAfterWrite(null)),
        setting("meterRegistry", b -> b.meterRegistry(null)),
        setting("meterRegistry", b -> b.meterRegistry(null, java.util.List.of())),
        setting("tags", b -> b.meterRegistry(new SimpleMeterRegistry(), null)),
        setting("ticker", b -> b.ticker(null)),
        setting("executor", b -> b.executor(null)),
        setting("asyncLoader", b -> b.asyncLoader(null)),
        setting("asyncBulkLoader", b -> b.asyncBulkLoader(null)),
        setting("clock", b -> b.clock(null)),
        setting("random", b -> b.random(null)),
        setting("generationRetention", b -> b.generationRetention(null)));
  }

  private static Arguments setting(String name, Consumer<TieredCacheBuilder<String, String>> set) {
    return Arguments.of(name, set);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nullSettings")
  void everySetterRefusesNullNamingTheSetting(
      String setting, Consumer<TieredCacheBuilder<String, String>> set) {
    assertThatNullPointerException()
        .isThrownBy(() -> set.accept(builder()))
        .withMessageContaining(setting);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "my cache",
        " posts",
        "posts:v2",
        "{posts}",
        "posts*",
        "pösts",
        "posts\n",
        "a1234567890123456789012345678901234567890123456789012345678901234" // 65 characters
      })
  void refusesACacheNameThatIsNotOneTo64LettersDigitsDotsDashesOrUnderscores(String name) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder().name(name))
        .withMessageContaining("name");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "p",
        "posts",
        "posts.v2_by-id",
        "a123456789012345678901234567890123456789012345678901234567890123" // 64 characters
      })
  void acceptsACacheNameOfUpTo64LettersDigitsDotsDashesAndUnderscores(String name) {
    try (TieredCache<String, String> cache = minimal().name(name).build()) {
      assertThat(cache.name()).isEqualTo(name);
    }
  }

  @Test
  void buildWithoutANameFailsNamingIt() {
    assertThatNullPointerException()
        .isThrownBy(() -> builder().store(store).valueCodec(ValueCodec.utf8()).build())
        .withMessageContaining("name");
  }

  @Test
  void buildWithoutAStoreFailsNamingIt() {
    assertThatNullPointerException()
        .isThrownBy(() -> builder().name("posts").valueCodec(ValueCodec.utf8()).build())
        .withMessageContaining("store");
  }

  @Test
  void buildWithoutAValueCodecFailsNamingIt() {
    assertThatNullPointerException()
        .isThrownBy(() -> builder().name("posts").store(store).build())
        .withMessageContaining("valueCodec");
  }

  @Test
  void buildWithADefaultTierThatIsNotATierFailsNamingTheSetting() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> minimal().defaultTier("lukewarm").build())
        .withMessageContaining("defaultTier")
        .withMessageContaining("'lukewarm'");
  }

  @Test
  void buildWithADefaultTierMissingFromCustomTiersFailsNamingTheSetting() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                minimal()
                    .defaultTier("hot")
                    .tiers(Tier.named("near").maxAge(Duration.ofMinutes(5)), Tier.named("far"))
                    .build())
        .withMessageContaining("defaultTier")
        .withMessageContaining("'hot'");
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.01, 0.5000001, 1.0, Double.NaN, Double.NEGATIVE_INFINITY})
  void refusesATtlJitterOutsideZeroToOneHalf(double fraction) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder().ttlJitter(fraction))
        .withMessageContaining("ttlJitter");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.05, 0.5})
  void acceptsATtlJitterFromZeroToOneHalfInclusive(double fraction) {
    try (TieredCache<String, String> cache = minimal().ttlJitter(fraction).build()) {
      assertThat(cache).isNotNull();
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, Long.MIN_VALUE})
  void refusesAnL0MaximumSizeThatIsNotPositive(long size) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder().l0MaximumSize(size))
        .withMessageContaining("l0MaximumSize");
  }

  @Test
  void refusesAnL0MaximumWeightThatIsNotPositive() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder().l0MaximumWeight(0, (k, v) -> 1))
        .withMessageContaining("l0MaximumWeight");
  }

  @Test
  void refusesAnAbsentTtlThatIsNotPositive() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder().absentTtl(Duration.ZERO))
        .withMessageContaining("absentTtl");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder().absentTtl(Duration.ofSeconds(-1)))
        .withMessageContaining("absentTtl");
  }

  @Test
  void refusesOtherDurationsAndSizesThatAreNotPositive() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder().l0ExpireAfterWrite(Duration.ZERO))
        .withMessageContaining("l0ExpireAfterWrite");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder().generationRetention(Duration.ZERO))
        .withMessageContaining("generationRetention");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder().maxRemoteValueBytes(0))
        .withMessageContaining("maxRemoteValueBytes");
  }

  @Test
  void refusesAnEmptyTierListNamingTheSetting() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder().tiers(new Tier[0]))
        .withMessageContaining("tiers");
  }

  @Test
  void buildsWithOnlyNameStoreAndValueCodecUsingHotWarmCold() {
    try (TieredCache<String, String> cache = minimal().build()) {
      assertThat(cache.name()).isEqualTo("posts");
      assertThat(cache.tiers()).isEqualTo(Tiers.hotWarmCold());
      assertThat(cache.local().estimatedSize()).isZero();
      assertThat(cache.stats().requests()).isZero();
    }
  }

  @Test
  void aBuiltCacheRefusesANullKeyNamingIt() {
    try (TieredCache<String, String> cache = minimal().build()) {
      assertThatNullPointerException()
          .isThrownBy(() -> cache.get(null, key -> "value"))
          .withMessage("key");
    }
  }

  @Test
  void aSettingGivenTwiceKeepsTheLastValue() {
    try (TieredCache<String, String> cache = minimal().name("first").name("second").build()) {
      assertThat(cache.name()).isEqualTo("second");
    }
  }

  @Test
  void aRefusedSettingLeavesTheBuilderUsable() {
    TieredCacheBuilder<String, String> builder = minimal();
    assertThatThrownBy(() -> builder.name("not valid"))
        .isInstanceOf(IllegalArgumentException.class);

    try (TieredCache<String, String> cache = builder.build()) {
      assertThat(cache.name()).isEqualTo("posts");
    }
  }

  @Test
  void aCacheBuiltWithoutALoaderNamesTheMissingSettingOnALoaderlessGet() {
    try (TieredCache<String, String> cache = minimal().build()) {
      assertThatThrownBy(() -> cache.get("k"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("loader");
    }
  }
}
