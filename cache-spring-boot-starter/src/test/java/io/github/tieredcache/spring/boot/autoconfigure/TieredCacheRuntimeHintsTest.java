package io.github.tieredcache.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

/** The native-image hints: registered through aot.factories, covering what they say they do. */
class TieredCacheRuntimeHintsTest {

  private final RuntimeHints hints = new RuntimeHints();

  @Test
  void aotFactoriesRegisterTheHints() {
    List<RuntimeHintsRegistrar> registrars =
        SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
            .load(RuntimeHintsRegistrar.class);
    assertThat(registrars).hasAtLeastOneElementOfType(TieredCacheRuntimeHints.class);
  }

  @Test
  void theInitializerFromSpringFactoriesCanBeConstructed() {
    new TieredCacheRuntimeHints().registerHints(hints, getClass().getClassLoader());
    assertThat(
            RuntimeHintsPredicates.reflection()
                .onType(BootVersionCheck.class)
                .withMemberCategory(MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS))
        .accepts(hints);
  }

  @Test
  void everyJdkTypeACopyMayRecordCanBeLookedUpByName() {
    new TieredCacheRuntimeHints().registerHints(hints, getClass().getClassLoader());
    for (Class<?> type : TieredCacheRuntimeHints.RECORDED_JDK_TYPES) {
      assertThat(RuntimeHintsPredicates.reflection().onType(type))
          .as(type.getName())
          .accepts(hints);
    }
    assertThat(TieredCacheRuntimeHints.RECORDED_JDK_TYPES)
        .contains(List.class, LinkedHashSet.class, java.util.LinkedHashMap.class);
  }
}
