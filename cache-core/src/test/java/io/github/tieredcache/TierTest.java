package io.github.tieredcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.github.tieredcache.memory.InMemoryTierStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TierTest {

  @Test
  void namedStartsWithAnHourTtlAnyAgeNoStaleWindowAndTheCachesStore() {
    Tier tier = Tier.named("hot");

    assertThat(tier.name()).isEqualTo("hot");
    assertThat(tier.ttl()).isEqualTo(Duration.ofHours(1));
    assertThat(tier.maxAge()).isNull();
    assertThat(tier.staleWindow()).isZero();
    assertThat(tier.store()).isNull();
  }

  @Test
  void witherMethodsReturnChangedCopiesAndLeaveTheOriginal() {
    Tier original = Tier.named("hot");
    InMemoryTierStore store = new InMemoryTierStore();
    try {
      Tier changed =
          original
              .ttl(Duration.ofSeconds(30))
              .maxAge(Duration.ofMinutes(10))
              .staleWindow(Duration.ofSeconds(5))
              .store(store);

      assertThat(changed.ttl()).isEqualTo(Duration.ofSeconds(30));
      assertThat(changed.maxAge()).isEqualTo(Duration.ofMinutes(10));
      assertThat(changed.ageBound()).contains(Duration.ofMinutes(10));
      assertThat(changed.staleWindow()).isEqualTo(Duration.ofSeconds(5));
      assertThat(changed.store()).isSameAs(store);
      assertThat(original).isEqualTo(Tier.named("hot"));
    } finally {
      store.close();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "has space",
        "a:b",
        "{hot}",
        "hot*",
        "hot.warm",
        "tab\there",
        "hot\n",
        "wärm",
        "abcdefghijklmnopqrstuvwxyz1234567" // 33 characters
      })
  void refusesANameThatIsNotOneTo32LettersDigitsDashesOrUnderscores(String name) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Tier.named(name))
        .withMessageContaining("tier name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"h", "hot", "tier_2", "cold-archive", "abcdefghijklmnopqrstuvwxyz123456"})
  void acceptsNamesOfLettersDigitsDashesAndUnderscoresUpTo32(String name) {
    assertThat(Tier.named(name).name()).isEqualTo(name);
  }

  @Test
  void refusesANullNameTtlOrStaleWindowNamingTheArgument() {
    assertThatNullPointerException()
        .isThrownBy(
            () ->
                new Tier(
                    null, Duration.ofMinutes(1), null, Duration.ZERO, null, Admission.everyKey()))
        .withMessage("name");
    assertThatNullPointerException()
        .isThrownBy(() -> Tier.named("hot").ttl(null))
        .withMessage("ttl");
    assertThatNullPointerException()
        .isThrownBy(() -> Tier.named("hot").staleWindow(null))
        .withMessage("staleWindow");
    assertThatNullPointerException()
        .isThrownBy(() -> Tier.named("hot").maxAge(null))
        .withMessage("maxAge");
    assertThatNullPointerException()
        .isThrownBy(() -> Tier.named("hot").store(null))
        .withMessage("store");
  }

  @Test
  void refusesAZeroTtlNamingTheArgumentAndTier() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Tier.named("hot").ttl(Duration.ZERO))
        .withMessageContaining("ttl of tier hot")
        .withMessageContaining("positive");
  }

  @Test
  void refusesANegativeTtlNamingTheArgumentAndTier() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Tier.named("hot").ttl(Duration.ofSeconds(-1)))
        .withMessageContaining("ttl of tier hot");
  }

  @Test
  void refusesANegativeStaleWindowNamingTheArgumentAndTier() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Tier.named("hot").staleWindow(Duration.ofMillis(-1)))
        .withMessageContaining("staleWindow of tier hot")
        .withMessageContaining("negative");
  }

  @Test
  void acceptsAZeroStaleWindowWhichTurnsStaleServingOff() {
    assertThat(Tier.named("hot").staleWindow(Duration.ZERO).staleWindow()).isZero();
  }

  @Test
  void refusesAZeroMaxAgeNamingTheArgumentAndTier() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Tier.named("hot").maxAge(Duration.ZERO))
        .withMessageContaining("maxAge of tier hot")
        .withMessageContaining("positive");
  }

  @Test
  void refusesANegativeMaxAgeNamingTheArgumentAndTier() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Tier.named("hot").maxAge(Duration.ofHours(-1)))
        .withMessageContaining("maxAge of tier hot");
  }
}
