package io.github.tieredcache.spring.boot.autoconfigure;

import io.github.tieredcache.spring.boot.cache.ClassTaggedJsonCodec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * What a GraalVM native image of an application with the starter needs beyond what Spring's AOT
 * processing finds on its own (the configuration properties, the endpoint's operations and their
 * results): the initializer that {@code spring.factories} names, and the JDK types that {@link
 * ClassTaggedJsonCodec} looks up by the name a copy records (its collections and value types). The
 * application's own value classes need hints as for any Jackson use
 * ({@code @RegisterReflectionForBinding}). Registered in {@code META-INF/spring/aot.factories}.
 */
public final class TieredCacheRuntimeHints implements RuntimeHintsRegistrar {

  /** The JDK types a class-tagged copy may name, looked up by name when it is read. */
  static final List<Class<?>> RECORDED_JDK_TYPES =
      List.of(
          List.class,
          LinkedHashSet.class,
          LinkedHashMap.class,
          Map.class,
          String.class,
          Boolean.class,
          Character.class,
          Byte.class,
          Short.class,
          Integer.class,
          Long.class,
          Float.class,
          Double.class,
          BigDecimal.class,
          BigInteger.class,
          UUID.class,
          Instant.class,
          Duration.class,
          LocalDate.class,
          LocalTime.class,
          LocalDateTime.class,
          OffsetDateTime.class,
          ZonedDateTime.class);

  @Override
  public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
    hints
        .reflection()
        .registerType(BootVersionCheck.class, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
    for (Class<?> type : RECORDED_JDK_TYPES) {
      hints.reflection().registerType(TypeReference.of(type));
    }
  }
}
