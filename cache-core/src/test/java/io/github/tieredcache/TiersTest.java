package io.github.tieredcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TiersTest {

  private static Tier tier(String name, Duration maxAge) {
    return Tier.named(name).maxAge(maxAge);
  }

  @Test
  void hotWarmColdHasTheThreeTiersOfTheDesignHottestFirst() {
    Tiers tiers = Tiers.hotWarmCold();

    assertThat(tiers.names()).containsExactly("hot", "warm", "cold");
    assertThat(tiers.size()).isEqualTo(3);
    assertThat(tiers.asList())
        .containsExactly(Tiers.DEFAULT_HOT, Tiers.DEFAULT_WARM, Tiers.DEFAULT_COLD);
  }

  @Test
  void hotTierHoldsValuesUnderAnHourFreshForSixtySeconds() {
    Tier hot = Tiers.hotWarmCold().get(0);

    assertThat(hot.name()).isEqualTo("hot");
    assertThat(hot.maxAge()).isEqualTo(Duration.ofHours(1));
    assertThat(hot.ttl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(hot.staleWindow()).isZero();
    assertThat(hot.store()).isNull();
  }

  @Test
  void warmTierHoldsValuesUnderADayFreshForAnHour() {
    Tier warm = Tiers.hotWarmCold().get(1);

    assertThat(warm.name()).isEqualTo("warm");
    assertThat(warm.maxAge()).isEqualTo(Duration.ofHours(24));
    assertThat(warm.ttl()).isEqualTo(Duration.ofHours(1));
    assertThat(warm.staleWindow()).isZero();
    assertThat(warm.store()).isNull();
  }

  @Test
  void coldTierHoldsValuesOfAnyAgeFreshForADay() {
    Tier cold = Tiers.hotWarmCold().get(2);

    assertThat(cold.name()).isEqualTo("cold");
    assertThat(cold.maxAge()).isNull();
    assertThat(cold.ageBound()).isEmpty();
    assertThat(cold.ttl()).isEqualTo(Duration.ofHours(24));
    assertThat(cold.staleWindow()).isZero();
    assertThat(cold.store()).isNull();
  }

  @Test
  void refusesNoTiersNamingTheSetting() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Tiers.of())
        .withMessageContaining("tiers")
        .withMessageContaining("empty");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Tiers.of(List.of()))
        .withMessageContaining("tiers")
        .withMessageContaining("empty");
  }

  @Test
  void refusesANullListOrArrayNamingTheSetting() {
    assertThatNullPointerException()
        .isThrownBy(() -> Tiers.of((List<Tier>) null))
        .withMessage("tiers");
    assertThatNullPointerException().isThrownBy(() -> Tiers.of((Tier[]) null)).withMessage("tiers");
  }

  @Test
  void refusesARepeatedNameNamingTheTier() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> Tiers.of(tier("hot", Duration.ofMinutes(1)), tier("hot", Duration.ofHours(1))))
        .withMessageContaining("tiers")
        .withMessageContaining("'hot'")
        .withMessageContaining("twice");
  }

  @Test
  void refusesAgeBoundsThatDoNotGrowNamingTheTier() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                Tiers.of(
                    tier("hot", Duration.ofHours(2)),
                    tier("warm", Duration.ofHours(1)),
                    Tier.named("cold")))
        .withMessageContaining("out of order")
        .withMessageContaining("maxAge")
        .withMessageContaining("'warm'");
  }

  @Test
  void refusesEqualAgeBoundsOnNeighbouringTiers() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                Tiers.of(
                    tier("hot", Duration.ofHours(1)),
                    tier("warm", Duration.ofHours(1)),
                    Tier.named("cold")))
        .withMessageContaining("maxAge")
        .withMessageContaining("'warm'");
  }

  @Test
  void refusesAnOpenAgeBoundBeforeTheLastTierNamingBothTiers() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                Tiers.of(Tier.named("hot"), tier("warm", Duration.ofHours(24)), Tier.named("cold")))
        .withMessageContaining("maxAge")
        .withMessageContaining("'hot'")
        .withMessageContaining("'warm'");
  }

  @Test
  void acceptsABoundedLastTierAndASingleOpenTier() {
    assertThat(Tiers.of(tier("a", Duration.ofMinutes(1)), tier("b", Duration.ofHours(1))).names())
        .containsExactly("a", "b");
    assertThat(Tiers.of(Tier.named("only")).names()).containsExactly("only");
  }

  @Test
  void indexOfFindsEachTierByName() {
    Tiers tiers = Tiers.hotWarmCold();

    assertThat(tiers.indexOf("hot")).isZero();
    assertThat(tiers.indexOf("warm")).isEqualTo(1);
    assertThat(tiers.indexOf("cold")).isEqualTo(2);
  }

  @Test
  void indexOfAnUnknownNameFailsNamingItAndTheKnownTiers() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Tiers.hotWarmCold().indexOf("lukewarm"))
        .withMessageContaining("'lukewarm'")
        .withMessageContaining("[hot, warm, cold]");
  }

  @Test
  void isImmutableAndIndependentOfTheGivenList() {
    List<Tier> given = new java.util.ArrayList<>(List.of(Tiers.DEFAULT_HOT, Tiers.DEFAULT_COLD));
    Tiers tiers = Tiers.of(given);

    given.clear();

    assertThat(tiers.names()).containsExactly("hot", "cold");
    assertThatThrownBy(() -> tiers.asList().add(Tiers.DEFAULT_WARM))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void equalTierListsMakeEqualTiers() {
    assertThat(Tiers.hotWarmCold())
        .isEqualTo(Tiers.of(Tiers.DEFAULT_HOT, Tiers.DEFAULT_WARM, Tiers.DEFAULT_COLD))
        .hasSameHashCodeAs(Tiers.of(Tiers.DEFAULT_HOT, Tiers.DEFAULT_WARM, Tiers.DEFAULT_COLD))
        .isNotEqualTo(Tiers.of(Tiers.DEFAULT_HOT, Tiers.DEFAULT_COLD));
  }

  @Test
  void iteratesHottestFirst() {
    assertThat(Tiers.hotWarmCold()).extracting(Tier::name).containsExactly("hot", "warm", "cold");
  }
}
