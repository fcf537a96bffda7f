package io.github.tieredcache.spring.boot.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.redis.testkit.LocalRedisServer;
import io.github.tieredcache.spring.boot.autoconfigure.TieredCacheAutoConfiguration;
import io.github.tieredcache.spring.boot.autoconfigure.TieredCacheHealthAutoConfiguration;
import io.github.tieredcache.spring.boot.autoconfigure.TieredCacheRedisAutoConfiguration;
import io.github.tieredcache.spring.boot.cache.TieredCacheManager;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A wrong password against a real Redis with an ACL user: health names an authentication failure
 * (not a network problem), the log says so, and requests are still answered.
 */
@ExtendWith(OutputCaptureExtension.class)
class AuthenticationFailureIT {

  private static LocalRedisServer server;

  @BeforeAll
  static void startWithAnAclUser() {
    server = LocalRedisServer.start();
    RedisClient admin = RedisClient.create(server.uri());
    try (StatefulRedisConnection<String, String> c = admin.connect()) {
      c.sync()
          .aclSetuser(
              "cache-user",
              AclSetuserArgs.Builder.on()
                  .addPassword("s3cret")
                  .allKeys()
                  .allChannels()
                  .allCommands());
    } finally {
      admin.shutdown();
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private ApplicationContextRunner runner(String password) {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                TieredCacheRedisAutoConfiguration.class,
                TieredCacheAutoConfiguration.class,
                TieredCacheHealthAutoConfiguration.class))
        .withPropertyValues(
            "tiered-cache.cache-names=posts",
            "tiered-cache.redis.host=" + server.host(),
            "tiered-cache.redis.port=" + server.port(),
            "tiered-cache.redis.username=cache-user",
            "tiered-cache.redis.password=" + password);
  }

  @Test
  void aWrongPasswordIsNamedInHealthAndLogAndRequestsAreStillAnswered(CapturedOutput output) {
    runner("wrong")
        .run(
            context -> {
              var posts = context.getBean(TieredCacheManager.class).getCache("posts");
              assertThat(posts.get("k", () -> "loaded")).isEqualTo("loaded");

              Health health = storeHealth(context.getBean(CompositeHealthContributor.class));
              assertThat(health.getDetails())
                  .containsEntry("reachable", false)
                  .hasEntrySatisfying(
                      "problem", p -> assertThat(p).asString().startsWith("authentication failed"))
                  .hasEntrySatisfying(
                      "error",
                      e -> assertThat(e).asString().contains("RedisAuthenticationException"));
              await()
                  .atMost(Duration.ofSeconds(10))
                  .untilAsserted(
                      () ->
                          assertThat(output)
                              .contains("Redis refused the credentials")
                              .contains("authentication failed"));
            });
  }

  @Test
  void theRightPasswordIsReachableWithNoProblem() {
    runner("s3cret")
        .run(
            context -> {
              Health health = storeHealth(context.getBean(CompositeHealthContributor.class));
              assertThat(health.getDetails())
                  .containsEntry("reachable", true)
                  .doesNotContainKey("problem");
            });
  }

  private static Health storeHealth(CompositeHealthContributor health) {
    return ((HealthIndicator) health.getContributor("default")).health();
  }
}
