package io.github.tieredcache.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.SpringBootVersion;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Refuses to start on Spring Boot before 4.0, saying so, instead of half-working: on Boot 3.5 the
 * starter's auto-configuration loads, but Boot 4's modules it is written against (health, cache,
 * Micrometer) are absent or elsewhere, so health and metrics would be missing without a word.
 *
 * <p>Why refuse rather than support Boot 3.5 with a second artifact: Boot 3.5's open-source support
 * ended in June 2026, and its users can use tiered-cache without the starter ({@code cache-redis},
 * wired in a few lines, see the README). Registered in {@code META-INF/spring.factories}, so it
 * runs before any auto-configuration.
 */
public final class BootVersionCheck
    implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  /** The first Spring Boot major version the starter works with. */
  static final int REQUIRED_MAJOR = 4;

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    check(SpringBootVersion.getVersion());
  }

  /**
   * Throws when {@code version} is a Spring Boot version before {@link #REQUIRED_MAJOR}; an unknown
   * version (a repackaged Boot without its manifest) passes.
   */
  static void check(@Nullable String version) {
    if (version == null) {
      return;
    }
    int dot = version.indexOf('.');
    int major;
    try {
      major = Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
    } catch (NumberFormatException e) {
      return;
    }
    if (major < REQUIRED_MAJOR) {
      throw new IllegalStateException(
          "tiered-cache's cache-spring-boot-starter needs Spring Boot 4.0 or later, but this"
              + " application runs Spring Boot "
              + version
              + ": on it the starter would run without its health contributor and metrics. Upgrade"
              + " to Spring Boot 4, or drop the starter and build the caches with cache-redis"
              + " (README, 'Quickstart (plain Java)')");
    }
  }
}
