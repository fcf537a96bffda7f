package io.github.tieredcache.spring.boot.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches unless {@code spring.cache.type} is set. Boot's {@code CacheType} has no value for
 * tiered-cache, so any value there ({@code none}, {@code redis}, {@code simple}, ...) is the
 * application choosing another cache (or none), and tiered-cache backs off for Boot's cache
 * auto-configuration to honour it, as Boot's own cache configurations do for each other.
 */
final class NoOtherCacheTypeCondition extends SpringBootCondition {

  static final String PROPERTY = "spring.cache.type";

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    ConditionMessage.Builder message = ConditionMessage.forCondition("tiered-cache selection");
    String type = context.getEnvironment().getProperty(PROPERTY);
    if (!StringUtils.hasText(type)) {
      return ConditionOutcome.match(message.because(PROPERTY + " is not set"));
    }
    return ConditionOutcome.noMatch(
        message.because(PROPERTY + "=" + type + " chooses Spring Boot's cache of that type"));
  }
}
