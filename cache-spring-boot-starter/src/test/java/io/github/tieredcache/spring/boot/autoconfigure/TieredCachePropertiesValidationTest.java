package io.github.tieredcache.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Each kind of bad value fails startup with a message that names the property. */
class TieredCachePropertiesValidationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(TieredCacheAutoConfiguration.class));

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          tiered-cache.defaults.l0.expire-after-write       | -5s          | tiered-cache.defaults.l0.expire-after-write
          tiered-cache.defaults.l0.maximum-size             | 0            | tiered-cache.defaults.l0.maximum-size
          tiered-cache.caches.posts.absent-ttl              | 0s           | tiered-cache.caches.posts.absent-ttl
          tiered-cache.caches.posts.ttl-jitter              | 0.9          | tiered-cache.caches.posts.ttl-jitter
          tiered-cache.caches.posts.load-lease              | -1s          | tiered-cache.caches.posts.load-lease
          tiered-cache.caches.posts.early-refresh           | -0.5         | tiered-cache.caches.posts.early-refresh
          tiered-cache.caches.posts.hard-load-timeout       | 0s           | tiered-cache.caches.posts.hard-load-timeout
          tiered-cache.caches.posts.promotion.policy        | sometimes    | tiered-cache.caches.posts.promotion.policy
          tiered-cache.caches.posts.promotion.hits          | 0            | tiered-cache.caches.posts.promotion.hits
          tiered-cache.caches.posts.value-type              | com.example.NoSuchType | tiered-cache.caches.posts.value-type
          tiered-cache.caches.posts.value-type              | java.util.List<com.example.NoSuchType> | tiered-cache.caches.posts.value-type
          tiered-cache.defaults.value-type                  | java.util.List<java.lang.String | tiered-cache.defaults.value-type
          tiered-cache.caches.posts.value-type              | int          | tiered-cache.caches.posts.value-type
          tiered-cache.caches.posts.default-tier            | lukewarm     | tiered-cache.caches.posts.default-tier
          tiered-cache.caches.posts.store                   | elsewhere    | tiered-cache.caches.posts.store
          tiered-cache.cache-names[0]                       | ''           | tiered-cache.cache-names[0]
          tiered-cache.cache-names[0]                       | has space    | tiered-cache.cache-names[0]
          tiered-cache.allowed-packages[0]                  | com..example | tiered-cache.allowed-packages
          tiered-cache.redis.cluster.nodes[0]               | no-port      | tiered-cache.redis.cluster.nodes[0]
          tiered-cache.redis.port                           | 70000        | tiered-cache.redis.port
          tiered-cache.redis.key-prefix                     | a::b         | tiered-cache.redis.key-prefix
          tiered-cache.stores.archive.command-timeout       | 0ms          | tiered-cache.stores.archive.command-timeout
          tiered-cache.redis.command-timeout                | -1s          | tiered-cache.redis.command-timeout
          tiered-cache.redis.cluster.topology-refresh-period| 0s           | tiered-cache.redis.cluster.topology-refresh-period
          tiered-cache.circuit-breaker.failure-rate-threshold | 0          | tiered-cache.circuit-breaker.failure-rate-threshold
          tiered-cache.circuit-breaker.wait-duration-in-open-state | -1s   | tiered-cache.circuit-breaker.wait-duration-in-open-state
          tiered-cache.circuit-breaker.permitted-number-of-calls-in-half-open-state | 0 | tiered-cache.circuit-breaker.permitted-number-of-calls-in-half-open-state
          tiered-cache.health.timeout                       | 0s           | tiered-cache.health.timeout
          """)
  void badValueFailsStartupNamingTheProperty(String property, String value, String named) {
    runner
        .withPropertyValues(property + "=" + value)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure())).contains(named);
            });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          tiers out of order        | tiered-cache.caches.posts.tiers   | tiered-cache.caches.posts.tiers[0].name=hot,tiered-cache.caches.posts.tiers[0].max-age=1d,tiered-cache.caches.posts.tiers[1].name=warm,tiered-cache.caches.posts.tiers[1].max-age=1h,tiered-cache.caches.posts.tiers[2].name=cold
          open age bound not last   | tiered-cache.defaults.tiers       | tiered-cache.defaults.tiers[0].name=hot,tiered-cache.defaults.tiers[1].name=cold
          duplicate tier names      | tiered-cache.caches.posts.tiers   | tiered-cache.caches.posts.tiers[0].name=hot,tiered-cache.caches.posts.tiers[0].max-age=1h,tiered-cache.caches.posts.tiers[1].name=hot
          bad tier name             | tiered-cache.caches.posts.tiers[0].name | tiered-cache.caches.posts.tiers[0].name=h o t
          soft after hard timeout   | tiered-cache.caches.posts.soft-load-timeout | tiered-cache.caches.posts.soft-load-timeout=3s,tiered-cache.caches.posts.hard-load-timeout=2s
          refresh-ahead past ttl    | tiered-cache.caches.posts.tiers[0].refresh-ahead | tiered-cache.caches.posts.tiers[0].name=hot,tiered-cache.caches.posts.tiers[0].ttl=1m,tiered-cache.caches.posts.tiers[0].refresh-ahead=1m
          negative stale window     | tiered-cache.caches.posts.tiers[0].stale-window | tiered-cache.caches.posts.tiers[0].name=hot,tiered-cache.caches.posts.tiers[0].stale-window=-1s
          no admission keys         | tiered-cache.caches.posts.tiers[0].admission-expected-keys | tiered-cache.caches.posts.tiers[0].name=hot,tiered-cache.caches.posts.tiers[0].admission-expected-keys=0
          negative tier ttl         | tiered-cache.caches.posts.tiers[0].ttl | tiered-cache.caches.posts.tiers[0].name=hot,tiered-cache.caches.posts.tiers[0].ttl=-1m
          unknown tier store        | tiered-cache.caches.posts.tiers[0].store | tiered-cache.caches.posts.tiers[0].name=hot,tiered-cache.caches.posts.tiers[0].store=nowhere
          promotion into colder     | tiered-cache.caches.posts.promotion.to | tiered-cache.caches.posts.promotion.policy=on-hit,tiered-cache.caches.posts.promotion.from=warm,tiered-cache.caches.posts.promotion.to=cold
          promotion from unknown    | tiered-cache.defaults.promotion.from | tiered-cache.defaults.promotion.policy=after-hits,tiered-cache.defaults.promotion.from=attic
          promotion needs two tiers | tiered-cache.caches.posts.promotion.from | tiered-cache.caches.posts.promotion.policy=after-hits,tiered-cache.caches.posts.tiers[0].name=only
          host and cluster nodes    | tiered-cache.redis.host | tiered-cache.redis.host=localhost,tiered-cache.redis.cluster.nodes=127.0.0.1:7000
          store called default      | tiered-cache.stores.default | tiered-cache.stores.default.host=localhost
          """)
  void badCombinationFailsStartupNamingTheProperty(String what, String named, String properties) {
    runner
        .withPropertyValues(properties.split(","))
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure())).contains(named);
            });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          tiered-cache.caches.posts.tiers[0].tll            | 5s
          tiered-cache.defautls.l0.maximum-size             | 100
          tiered-cache.caches.posts.l0.maximum-sise         | 100
          tiered-cache.redis.cluster.nodez                  | 127.0.0.1:7000
          """)
  void aMisspelledPropertyFailsStartupNamingIt(String property, String value) {
    runner
        .withPropertyValues(property + "=" + value)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure())).contains(property);
            });
  }

  private static String messages(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }
}
