package io.github.tieredcache.spring.boot3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * A Spring Boot 3.5 application with the starter on its class path does not start, and the failure
 * says why and what to do, instead of starting without health and metrics.
 */
class Boot3RefusalTest {

  @Test
  void theClassPathIsBootThree() {
    assertThat(SpringBootVersion.getVersion()).startsWith("3.5.");
  }

  @Test
  void aBootThreeApplicationIsRefusedWithAMessageThatSaysWhatToDo() {
    SpringApplication application = new SpringApplication(App.class);
    application.setWebApplicationType(WebApplicationType.NONE);

    assertThatThrownBy(application::run)
        .hasMessageContaining("needs Spring Boot 4.0 or later")
        .hasMessageContaining(SpringBootVersion.getVersion())
        .hasMessageContaining("cache-redis");
  }

  @SpringBootApplication
  @EnableCaching
  static class App {}
}
