package io.github.tieredcache.spring.boot.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.codec.ValueCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * JSON for a cache whose values have no declared type: each copy records the class of its value,
 * and decoding accepts only classes from an allow-list of packages.
 *
 * <p>Layout: two bytes giving the length {@code n} of the class name, the class name (UTF-8), then
 * the value as JSON, written and read by Jackson for exactly that class. Jackson's default typing
 * is never enabled: the JSON carries no type information, and the class name is checked against the
 * allow-list before the class is even loaded, so bytes written by someone else cannot make this
 * process instantiate an arbitrary class. A copy naming a class outside the list fails to decode,
 * which the cache treats as a miss.
 *
 * <p>Allowed: classes in the configured packages and their sub-packages, arrays of allowed classes
 * and of primitives, and a fixed set of JDK value types (strings, boxed primitives, {@link
 * BigDecimal}, {@link BigInteger}, {@link UUID} and {@code java.time} values). Collections and maps
 * are refused when encoding, since JSON would lose their element type: declare the cache's {@code
 * value-type} or set a codec in a customizer for them.
 *
 * <p>Thread-safe.
 */
public final class ClassTaggedJsonCodec implements ValueCodec<Object> {

  private static final Set<String> JDK_TYPES =
      Set.of(
          String.class.getName(),
          Boolean.class.getName(),
          Character.class.getName(),
          Byte.class.getName(),
          Short.class.getName(),
          Integer.class.getName(),
          Long.class.getName(),
          Float.class.getName(),
          Double.class.getName(),
          BigDecimal.class.getName(),
          BigInteger.class.getName(),
          UUID.class.getName());

  private final ObjectMapper mapper;
  private final List<String> allowedPackages;
  private final ClassLoader classLoader;
  private final ConcurrentMap<String, ObjectReader> readers = new ConcurrentHashMap<>();
  private final ConcurrentMap<Class<?>, ObjectWriter> writers = new ConcurrentHashMap<>();

  /**
   * Creates a codec.
   *
   * @param mapper the Jackson mapper, which must not have default typing enabled
   * @param allowedPackages packages whose classes (and sub-packages' classes) may be stored
   * @param classLoader loads the allowed classes
   */
  public ClassTaggedJsonCodec(
      ObjectMapper mapper, Collection<String> allowedPackages, ClassLoader classLoader) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    this.allowedPackages =
        allowedPackages.stream().map(p -> p.endsWith(".") ? p : p + ".").toList();
    this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
    // JacksonValueCodec refuses a mapper with default typing; reuse its check.
    JacksonValueCodec.of(mapper, Object.class);
  }

  /** Creates a codec with {@link JacksonValueCodec#defaultMapper()}. */
  public ClassTaggedJsonCodec(Collection<String> allowedPackages, ClassLoader classLoader) {
    this(JacksonValueCodec.defaultMapper(), allowedPackages, classLoader);
  }

  @Override
  public String id() {
    return "json-class";
  }

  /** Returns whether a value of the class called {@code className} may be stored and read back. */
  public boolean isAllowed(String className) {
    if (className.startsWith("[")) {
      String component = className.substring(1);
      if (component.length() == 1) {
        return "ZBCSIJFD".contains(component);
      }
      if (component.startsWith("[")) {
        return isAllowed(component);
      }
      return component.startsWith("L")
          && component.endsWith(";")
          && isAllowed(component.substring(1, component.length() - 1));
    }
    if (JDK_TYPES.contains(className)) {
      return true;
    }
    if (className.startsWith("java.time.")) {
      // java.time's value types, not its sub-packages (chrono, format, temporal, zone).
      return className.indexOf('.', "java.time.".length()) < 0;
    }
    for (String p : allowedPackages) {
      if (className.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public byte[] encode(Object value) {
    Class<?> type = value.getClass();
    if (value instanceof Collection || value instanceof Map) {
      throw new IllegalArgumentException(
          "a "
              + type.getName()
              + " cannot be cached without a declared type, since JSON loses its"
              + " element type: set the cache's value-type or a codec in a TieredCacheCustomizer");
    }
    if (!isAllowed(type.getName())) {
      throw new IllegalArgumentException(
          type.getName()
              + " is not in tiered-cache.allowed-packages "
              + allowedPackages
              + "; add its package, or set the cache's value-type");
    }
    byte[] name = type.getName().getBytes(StandardCharsets.UTF_8);
    byte[] json;
    try {
      json = writers.computeIfAbsent(type, mapper::writerFor).writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException("could not encode a " + type.getName(), e);
    }
    return ByteBuffer.allocate(2 + name.length + json.length)
        .putShort((short) name.length)
        .put(name)
        .put(json)
        .array();
  }

  @Override
  public Object decode(byte[] bytes, int offset, int length) {
    if (length < 2) {
      throw new IllegalArgumentException("truncated copy");
    }
    int nameLength = ByteBuffer.wrap(bytes, offset, 2).getShort() & 0xFFFF;
    if (length < 2 + nameLength) {
      throw new IllegalArgumentException("truncated copy");
    }
    String className = new String(bytes, offset + 2, nameLength, StandardCharsets.UTF_8);
    if (!isAllowed(className)) {
      throw new IllegalArgumentException(
          "the copy names " + className + ", which is not in tiered-cache.allowed-packages");
    }
    ObjectReader reader = readers.computeIfAbsent(className, this::readerFor);
    try {
      Object value = reader.readValue(bytes, offset + 2 + nameLength, length - 2 - nameLength);
      if (value == null) {
        throw new IllegalArgumentException("JSON null where a value was expected");
      }
      return value;
    } catch (IOException e) {
      throw new UncheckedIOException("could not decode a " + className, e);
    }
  }

  private ObjectReader readerFor(String className) {
    try {
      return mapper.readerFor(Class.forName(className, false, classLoader));
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          "the copy names " + className + ", which is not on the class path", e);
    }
  }

  @Override
  public String toString() {
    return "ClassTaggedJsonCodec" + allowedPackages;
  }
}
