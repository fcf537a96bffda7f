package io.github.tieredcache.spring.boot.cache;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.util.ReflectionUtils;

/**
 * The default {@link CacheKeyEncoder}.
 *
 * <ul>
 *   <li>A string is its own text; numbers, booleans, characters, UUIDs, {@code java.time} values
 *       and locales use {@link String#valueOf}; an enum constant uses its {@link Enum#name()}. So
 *       {@code 42L} and {@code "42"} are the same key: a cache's keys normally share one type.
 *   <li>A {@link SimpleKey} (several method parameters), an array, a {@link List} or a {@link
 *       SortedSet} is written as {@code [e1,e2,...]}, each element encoded the same way, and {@code
 *       \ , [ ]} inside an element's text escaped with a backslash; a {@code null} element is
 *       {@code \0}. {@code SimpleKey.EMPTY} (a method without parameters) is {@code []}. The
 *       encoding is injective for keys of one shape.
 *   <li>Any other object is written with {@code toString()} if its class overrides it (records do),
 *       and refused otherwise, since {@code Object.toString()} changes from run to run.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class DefaultCacheKeyEncoder implements CacheKeyEncoder {

  /** The shared instance. */
  public static final DefaultCacheKeyEncoder INSTANCE = new DefaultCacheKeyEncoder();

  private static final @Nullable Field SIMPLE_KEY_PARAMS = simpleKeyParams();

  private DefaultCacheKeyEncoder() {}

  private static @Nullable Field simpleKeyParams() {
    Field field = ReflectionUtils.findField(SimpleKey.class, "params", Object[].class);
    if (field == null) {
      return null;
    }
    try {
      ReflectionUtils.makeAccessible(field);
      return field;
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public String encode(Object key) {
    if (key instanceof String s) {
      return s;
    }
    if (isComposite(key)) {
      StringBuilder text = new StringBuilder();
      appendComposite(text, key);
      return text.toString();
    }
    return scalar(key);
  }

  private static boolean isComposite(Object key) {
    return key instanceof SimpleKey
        || key.getClass().isArray()
        || key instanceof List
        || key instanceof SortedSet;
  }

  private static void appendComposite(StringBuilder text, Object key) {
    text.append('[');
    boolean first = true;
    for (Object element : elements(key)) {
      if (!first) {
        text.append(',');
      }
      first = false;
      if (element == null) {
        text.append("\\0");
      } else if (isComposite(element)) {
        appendComposite(text, element);
      } else {
        escape(text, element instanceof String s ? s : scalar(element));
      }
    }
    text.append(']');
  }

  private static Iterable<?> elements(Object key) {
    if (key instanceof SimpleKey simpleKey) {
      if (SIMPLE_KEY_PARAMS == null) {
        // Spring changed SimpleKey; its toString() is the best stable text left.
        return List.of(simpleKey.toString());
      }
      Object[] params = (Object[]) ReflectionUtils.getField(SIMPLE_KEY_PARAMS, simpleKey);
      return params == null ? List.of() : java.util.Arrays.asList(params);
    }
    if (key instanceof Collection<?> collection) {
      return collection;
    }
    int length = Array.getLength(key);
    Object[] copy = new Object[length];
    for (int i = 0; i < length; i++) {
      copy[i] = Array.get(key, i);
    }
    return java.util.Arrays.asList(copy);
  }

  private static void escape(StringBuilder text, String element) {
    for (int i = 0; i < element.length(); i++) {
      char c = element.charAt(i);
      if (c == '\\' || c == ',' || c == '[' || c == ']') {
        text.append('\\');
      }
      text.append(c);
    }
  }

  private static String scalar(Object key) {
    if (key instanceof Enum<?> e) {
      return e.name();
    }
    if (key instanceof Number
        || key instanceof Boolean
        || key instanceof Character
        || key instanceof UUID
        || key instanceof TemporalAccessor
        || key instanceof TemporalAmount
        || key instanceof Locale
        || key instanceof CharSequence) {
      return String.valueOf(key);
    }
    if (overridesToString(key.getClass())) {
      return key.toString();
    }
    throw new IllegalArgumentException(
        "Cache key of type "
            + key.getClass().getName()
            + " has no stable text form: override toString(), use a key expression"
            + " (@Cacheable(key = \"#p.id\")) or declare a CacheKeyEncoder bean");
  }

  private static boolean overridesToString(Class<?> type) {
    try {
      return type.getMethod("toString").getDeclaringClass() != Object.class;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
