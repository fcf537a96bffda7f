package io.github.tieredcache;

import static io.github.tieredcache.Promotion.NONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Promotion policies.
 *
 * <p>{@link Promotion#afterHits} counts hits in a Caffeine cache that expires on the system ticker
 * and ignores the {@code nowNanos} it is given, so its window cannot be moved with a fake ticker;
 * only behaviour that holds well inside a one-hour window is tested here.
 */
class PromotionTest {

  private static final int HOT = 0;
  private static final int WARM = 1;
  private static final int COLD = 2;
  private static final Duration HOUR = Duration.ofHours(1);

  private final Tiers tiers = Tiers.hotWarmCold();
  private final FakeTicker ticker = new FakeTicker();

  private int target(Promotion<String> promotion, String key, int from) {
    return promotion.target(key, from, tiers, ticker.read());
  }

  @Test
  void warmToHotPromotesAHitInTheSecondTierIntoTheFirst() {
    assertThat(target(Promotion.warmToHot(), "k", WARM)).isEqualTo(HOT);
  }

  @Test
  void warmToHotLeavesHitsInHotAndColdWhereTheyAre() {
    assertThat(target(Promotion.warmToHot(), "k", HOT)).isEqualTo(NONE);
    assertThat(target(Promotion.warmToHot(), "k", COLD)).isEqualTo(NONE);
  }

  @Test
  void warmToHotGoesByPositionSoItPromotesTheSecondOfTwoTiers() {
    Tiers twoTiers = Tiers.of(Tier.named("near").maxAge(HOUR), Tier.named("far"));
    Promotion<String> promotion = Promotion.warmToHot();

    assertThat(promotion.target("k", 1, twoTiers, 0)).isZero();
    assertThat(promotion.target("k", 0, twoTiers, 0)).isEqualTo(NONE);
  }

  @Test
  void onHitPromotesFromTheNamedTierIntoTheNamedTier() {
    Promotion<String> coldToHot = Promotion.onHit("cold", "hot");

    assertThat(target(coldToHot, "k", COLD)).isEqualTo(HOT);
    assertThat(target(coldToHot, "k", WARM)).isEqualTo(NONE);
    assertThat(target(coldToHot, "k", HOT)).isEqualTo(NONE);
  }

  @Test
  void onHitCanPromoteIntoAMiddleTier() {
    assertThat(target(Promotion.onHit("cold", "warm"), "k", COLD)).isEqualTo(WARM);
  }

  @Test
  void onHitNeverDemotesIntoAColderTier() {
    Promotion<String> hotToCold = Promotion.onHit("hot", "cold");

    assertThat(target(hotToCold, "k", HOT)).isEqualTo(NONE);
    assertThat(target(Promotion.onHit("warm", "warm"), "k", WARM)).isEqualTo(NONE);
  }

  @Test
  void onHitWithAnUnknownTierNameFailsNamingIt() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> target(Promotion.onHit("lukewarm", "hot"), "k", WARM))
        .withMessageContaining("'lukewarm'");
  }

  @Test
  void onHitRefusesNullTierNames() {
    assertThatNullPointerException()
        .isThrownBy(() -> Promotion.onHit(null, "hot"))
        .withMessage("from");
    assertThatNullPointerException()
        .isThrownBy(() -> Promotion.onHit("warm", null))
        .withMessage("to");
  }

  @Test
  void afterHitsPromotesOnTheThirdHitWithinTheWindow() {
    Promotion<String> promotion = Promotion.afterHits(3, HOUR, "warm", "hot");

    assertThat(target(promotion, "k", WARM)).isEqualTo(NONE);
    assertThat(target(promotion, "k", WARM)).isEqualTo(NONE);
    assertThat(target(promotion, "k", WARM)).isEqualTo(HOT);
  }

  @Test
  void afterHitsStartsCountingAgainAfterAPromotion() {
    Promotion<String> promotion = Promotion.afterHits(2, HOUR, "warm", "hot");
    target(promotion, "k", WARM);
    assertThat(target(promotion, "k", WARM)).isEqualTo(HOT);

    assertThat(target(promotion, "k", WARM)).isEqualTo(NONE);
    assertThat(target(promotion, "k", WARM)).isEqualTo(HOT);
  }

  @Test
  void afterHitsCountsEachKeyOnItsOwn() {
    Promotion<String> promotion = Promotion.afterHits(2, HOUR, "warm", "hot");

    assertThat(target(promotion, "a", WARM)).isEqualTo(NONE);
    assertThat(target(promotion, "b", WARM)).isEqualTo(NONE);
    assertThat(target(promotion, "a", WARM)).isEqualTo(HOT);
    assertThat(target(promotion, "b", WARM)).isEqualTo(HOT);
  }

  @Test
  void afterHitsIgnoresHitsInOtherTiers() {
    Promotion<String> promotion = Promotion.afterHits(2, HOUR, "warm", "hot");

    assertThat(target(promotion, "k", COLD)).isEqualTo(NONE);
    assertThat(target(promotion, "k", HOT)).isEqualTo(NONE);
    assertThat(target(promotion, "k", COLD)).isEqualTo(NONE);
    assertThat(target(promotion, "k", WARM)).isEqualTo(NONE);
    assertThat(target(promotion, "k", WARM)).isEqualTo(HOT);
  }

  @Test
  void afterOneHitPromotesOnTheFirstHit() {
    assertThat(target(Promotion.afterHits(1, HOUR, "cold", "warm"), "k", COLD)).isEqualTo(WARM);
  }

  @Test
  void afterHitsNeverPromotesIntoAColderTier() {
    Promotion<String> promotion = Promotion.afterHits(1, HOUR, "hot", "cold");

    assertThat(target(promotion, "k", HOT)).isEqualTo(NONE);
  }

  @Test
  void afterHitsRefusesFewerThanOneHit() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Promotion.afterHits(0, HOUR, "warm", "hot"))
        .withMessageContaining("hits");
  }

  @Test
  void afterHitsRefusesAWindowThatIsNotPositive() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Promotion.afterHits(3, Duration.ZERO, "warm", "hot"))
        .withMessageContaining("window");
    assertThatNullPointerException()
        .isThrownBy(() -> Promotion.afterHits(3, null, "warm", "hot"))
        .withMessage("window");
  }

  @Test
  void afterHitsRefusesNullTierNames() {
    assertThatNullPointerException()
        .isThrownBy(() -> Promotion.afterHits(3, HOUR, null, "hot"))
        .withMessage("from");
    assertThatNullPointerException()
        .isThrownBy(() -> Promotion.afterHits(3, HOUR, "warm", null))
        .withMessage("to");
  }

  @Test
  void neverPromotesFromAnyTier() {
    Promotion<String> never = Promotion.never();

    assertThat(target(never, "k", HOT)).isEqualTo(NONE);
    assertThat(target(never, "k", WARM)).isEqualTo(NONE);
    assertThat(target(never, "k", COLD)).isEqualTo(NONE);
  }

  @Test
  void afterHitsCountsItsWindowByTheCachesTicker() {
    Promotion<String> policy = Promotion.afterHits(2, Duration.ofSeconds(10), "warm", "hot");
    Tiers tiers = Tiers.hotWarmCold();
    long second = Duration.ofSeconds(1).toNanos();

    assertThat(policy.target("k", 1, tiers, 0)).isEqualTo(NONE);
    assertThat(policy.target("k", 1, tiers, 11 * second))
        .as("the window had closed")
        .isEqualTo(NONE);
    assertThat(policy.target("k", 1, tiers, 12 * second))
        .as("second hit in the new window")
        .isZero();
  }

  @Test
  void aPolicyNamingAMissingTierOrPromotingIntoAColderOneFailsWhenTheCacheIsBuilt() {
    Tiers tiers = Tiers.hotWarmCold();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Promotion.onHit("tepid", "hot").check(tiers))
        .withMessageContaining("promotion from")
        .withMessageContaining("tepid");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Promotion.onHit("hot", "cold").check(tiers))
        .withMessageContaining("not hotter");
  }
}
