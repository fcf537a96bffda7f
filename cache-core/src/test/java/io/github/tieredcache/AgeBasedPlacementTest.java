package io.github.tieredcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class AgeBasedPlacementTest {

  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  private record Post(String id, @Nullable Instant createdAt) {}

  private final Placement<String, Post> placement = new AgeBasedPlacement<>(Post::createdAt);
  private final Tiers tiers = Tiers.hotWarmCold();

  private String tierFor(Duration age) {
    return tierFor(NOW.minus(age));
  }

  private String tierFor(@Nullable Instant createdAt) {
    return tiers.get(placement.place("p", new Post("p", createdAt), tiers, NOW)).name();
  }

  @Test
  void placesAFiveMinuteOldValueInHot() {
    assertThat(tierFor(Duration.ofMinutes(5))).isEqualTo("hot");
  }

  @Test
  void placesATwoHourOldValueInWarm() {
    assertThat(tierFor(Duration.ofHours(2))).isEqualTo("warm");
  }

  @Test
  void placesAThreeDayOldValueInCold() {
    assertThat(tierFor(Duration.ofDays(3))).isEqualTo("cold");
  }

  @Test
  void placesAValueExactlyAsOldAsTheHotBoundInWarmBecauseTheBoundIsExclusive() {
    assertThat(tierFor(Duration.ofHours(1))).isEqualTo("warm");
    assertThat(tierFor(Duration.ofHours(1).minusNanos(1))).isEqualTo("hot");
  }

  @Test
  void placesAValueExactlyAsOldAsTheWarmBoundInCold() {
    assertThat(tierFor(Duration.ofHours(24))).isEqualTo("cold");
    assertThat(tierFor(Duration.ofHours(24).minusNanos(1))).isEqualTo("warm");
  }

  @Test
  void placesAValueCreatedNowInHot() {
    assertThat(tierFor(Duration.ZERO)).isEqualTo("hot");
  }

  @Test
  void placesAValueDatedInTheFutureInHotAsIfItsAgeWereZero() {
    assertThat(tierFor(NOW.plus(Duration.ofDays(365)))).isEqualTo("hot");
  }

  @Test
  void placesAValueOfUnknownAgeInTheLastTier() {
    assertThat(tierFor((Instant) null)).isEqualTo("cold");
  }

  @Test
  void placesByTheBoundsOfACustomTwoTierList() {
    Tiers twoTiers =
        Tiers.of(Tier.named("fresh").maxAge(Duration.ofMinutes(10)), Tier.named("rest"));

    assertThat(placement.place("p", new Post("p", NOW.minusSeconds(60)), twoTiers, NOW)).isZero();
    assertThat(
            placement.place("p", new Post("p", NOW.minus(Duration.ofMinutes(10))), twoTiers, NOW))
        .isEqualTo(1);
    assertThat(placement.place("p", new Post("p", NOW.minus(Duration.ofDays(30))), twoTiers, NOW))
        .isEqualTo(1);
    assertThat(placement.place("p", new Post("p", null), twoTiers, NOW)).isEqualTo(1);
  }

  @Test
  void placesAValueOlderThanEveryBoundInTheLastTierEvenWhenThatTierIsBounded() {
    Tiers bounded =
        Tiers.of(
            Tier.named("a").maxAge(Duration.ofMinutes(1)),
            Tier.named("b").maxAge(Duration.ofHours(1)));

    assertThat(placement.place("p", new Post("p", NOW.minus(Duration.ofDays(1))), bounded, NOW))
        .isEqualTo(1);
  }

  @Test
  void placesEveryValueInTheOnlyTierOfASingleTierList() {
    Tiers single = Tiers.of(Tier.named("only"));

    assertThat(placement.place("p", new Post("p", NOW), single, NOW)).isZero();
    assertThat(placement.place("p", new Post("p", null), single, NOW)).isZero();
  }

  @Test
  void placementByAgeIsAnAgeBasedPlacement() {
    Placement<String, Post> byAge = Placement.byAge(Post::createdAt);

    assertThat(byAge).isInstanceOf(AgeBasedPlacement.class);
    assertThat(
            tiers.get(byAge.place("p", new Post("p", NOW.minusSeconds(7200)), tiers, NOW)).name())
        .isEqualTo("warm");
  }

  @Test
  void refusesANullAgeFunction() {
    assertThatNullPointerException()
        .isThrownBy(() -> new AgeBasedPlacement<String, Post>(null))
        .withMessage("ageOf");
  }
}
