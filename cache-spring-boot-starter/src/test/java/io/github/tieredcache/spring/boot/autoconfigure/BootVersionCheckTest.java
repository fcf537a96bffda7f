package io.github.tieredcache.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.core.io.support.SpringFactoriesLoader;

/** Spring Boot before 4.0 is refused with a message that says what to do. */
class BootVersionCheckTest {

  @Test
  void bootThreeIsRefusedNamingTheVersionAndTheWayOut() {
    assertThatIllegalStateException()
        .isThrownBy(() -> BootVersionCheck.check("3.5.7"))
        .withMessageContaining("Spring Boot 4.0 or later")
        .withMessageContaining("3.5.7")
        .withMessageContaining("cache-redis");
  }

  @Test
  void bootFourAndLaterAndUnknownVersionsPass() {
    assertThatNoException().isThrownBy(() -> BootVersionCheck.check("4.0.7"));
    assertThatNoException().isThrownBy(() -> BootVersionCheck.check("4.1.0-SNAPSHOT"));
    assertThatNoException().isThrownBy(() -> BootVersionCheck.check(null));
    assertThatNoException().isThrownBy(() -> BootVersionCheck.check("custom"));
    assertThatNoException()
        .isThrownBy(() -> BootVersionCheck.check(SpringBootVersion.getVersion()));
  }

  @Test
  void itIsRegisteredAsAnInitializer() {
    org.assertj.core.api.Assertions.assertThat(
            SpringFactoriesLoader.forDefaultResourceLocation()
                .load(ApplicationContextInitializer.class))
        .hasAtLeastOneElementOfType(BootVersionCheck.class);
  }
}
