package io.github.tieredcache.spring.boot.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.codec.ValueCodec;
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
import org.jspecify.annotations.Nullable;

/**
 * JSON for a cache whose values have no declared type: each copy records the class of its value,
 * and decoding accepts only classes from an allow-list of packages.
 *
 * <p>Layout: two bytes giving the length {@code n} of the recorded type, the type (UTF-8: a class
 * name, or a collection type described below), then the value as JSON, written and read by Jackson
 * for exactly that type. Jackson's default typing is never enabled: the JSON carries no type
 * information, and every class the record names is checked against the allow-list before any class
 * is loaded, so bytes written by someone else cannot make this process instantiate an arbitrary
 * class. A copy naming a class outside the list fails to decode, which the cache treats as a miss.
 *
 * <p>Allowed: classes in the configured packages and their sub-packages, arrays of allowed classes
 * and of primitives, and a fixed set of JDK value types (strings, boxed primitives, {@link
 * BigDecimal}, {@link BigInteger}, {@link UUID} and {@code java.time} values).
 *
 * <p><b>Collections</b> (what a method returning a {@code List}, or a {@code Flux} that Spring
 * collects, caches) are recorded with their element class, in Jackson's canonical notation: a
 * {@code List<Post>} as {@code java.util.List<com.example.Post>}, read back as an {@code
 * ArrayList}; a set as {@code java.util.LinkedHashSet<...>} (iteration order kept); a map with keys
 * of a JDK value type as {@code java.util.LinkedHashMap<K,V>}. The element class must be allowed,
 * like any value's. A collection whose elements are of several classes, or are collections
 * themselves, is refused when encoding, since the record would not say how to read it back: declare
 * the cache's {@code value-type} (which may be generic) for those.
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

  private static final String LIST = "java.util.List";
  private static final String LINKED_SET = "java.util.LinkedHashSet";
  private static final String LINKED_MAP = "java.util.LinkedHashMap";
  private static final Set<String> CONTAINERS = Set.of(LIST, LINKED_SET, LINKED_MAP);

  private final JsonMapping json;
  private final List<String> allowedPackages;
  private final ClassLoader classLoader;
  private final ConcurrentMap<String, JsonMapping.Binding> readers = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, JsonMapping.Binding> writers = new ConcurrentHashMap<>();

  /**
   * Creates a codec.
   *
   * @param json the Jackson line and mapper to write and read with
   * @param allowedPackages packages whose classes (and sub-packages' classes) may be stored
   * @param classLoader loads the allowed classes
   */
  public ClassTaggedJsonCodec(
      JsonMapping json, Collection<String> allowedPackages, ClassLoader classLoader) {
    this.json = Objects.requireNonNull(json, "json");
    this.allowedPackages =
        allowedPackages.stream().map(p -> p.endsWith(".") ? p : p + ".").toList();
    this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
  }

  /**
   * Creates a codec on Jackson 2.
   *
   * @param mapper the Jackson mapper, which must not have default typing enabled
   * @param allowedPackages packages whose classes (and sub-packages' classes) may be stored
   * @param classLoader loads the allowed classes
   */
  public ClassTaggedJsonCodec(
      ObjectMapper mapper, Collection<String> allowedPackages, ClassLoader classLoader) {
    this(JsonMapping.jackson2(mapper), allowedPackages, classLoader);
  }

  /** Creates a codec on Jackson 2 with {@link JacksonValueCodec#defaultMapper()}. */
  public ClassTaggedJsonCodec(Collection<String> allowedPackages, ClassLoader classLoader) {
    this(JacksonValueCodec.defaultMapper(), allowedPackages, classLoader);
  }

  @Override
  public String id() {
    return json.name() + "-class";
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
    String tag = tagOf(value);
    byte[] name = tag.getBytes(StandardCharsets.UTF_8);
    byte[] body = writers.computeIfAbsent(tag, this::writerFor).write(value);
    return ByteBuffer.allocate(2 + name.length + body.length)
        .putShort((short) name.length)
        .put(name)
        .put(body)
        .array();
  }

  /**
   * Returns the type a copy of {@code value} records: its class, or for a list, set or map the
   * container and its element class ({@code java.util.List<com.example.Post>}), in Jackson's
   * canonical notation.
   */
  private String tagOf(Object value) {
    if (value instanceof Collection<?> collection) {
      String container = value instanceof Set ? LINKED_SET : LIST;
      String element = elementClass(collection, "element");
      return element == null ? container : container + "<" + element + ">";
    }
    if (value instanceof Map<?, ?> map) {
      String key = elementClass(map.keySet(), "key");
      String element = elementClass(map.values(), "value");
      if (key != null && !JDK_TYPES.contains(key)) {
        throw new IllegalArgumentException(
            "a map with "
                + key
                + " keys cannot be cached without a declared type, since JSON"
                + " keys are text: use keys of a JDK value type (String, Long, UUID, ...), or set"
                + " the cache's value-type");
      }
      return key == null
          ? LINKED_MAP
          : LINKED_MAP + "<" + key + "," + (element == null ? "java.lang.Object" : element) + ">";
    }
    return allowed(value.getClass().getName());
  }

  /**
   * Returns the one class of the non-null {@code elements}, or {@code null} when there are none;
   * refuses elements of several classes, or collections of collections, whose type JSON loses.
   */
  private @Nullable String elementClass(Collection<?> elements, String what) {
    Class<?> found = null;
    for (Object element : elements) {
      if (element == null) {
        continue;
      }
      if (element instanceof Collection || element instanceof Map) {
        throw new IllegalArgumentException(
            "a collection of collections cannot be cached without a declared type: set the"
                + " cache's value-type (such as java.util.List<java.util.List<com.example.Post>>)");
      }
      if (found == null) {
        found = element.getClass();
      } else if (found != element.getClass()) {
        throw new IllegalArgumentException(
            "a collection whose "
                + what
                + "s are of several classes ("
                + found.getName()
                + ", "
                + element.getClass().getName()
                + ") cannot be cached without a declared type: set the cache's value-type");
      }
    }
    return found == null ? null : allowed(found.getName());
  }

  private String allowed(String className) {
    if (!isAllowed(className)) {
      throw new IllegalArgumentException(
          className
              + " is not in tiered-cache.allowed-packages "
              + allowedPackages
              + "; add its package, or set the cache's value-type");
    }
    return className;
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
    String tag = new String(bytes, offset + 2, nameLength, StandardCharsets.UTF_8);
    if (!isAllowedTag(tag)) {
      throw new IllegalArgumentException(
          "the copy names " + tag + ", which is not in tiered-cache.allowed-packages");
    }
    JsonMapping.Binding reader = readers.computeIfAbsent(tag, this::bind);
    Object value = reader.read(bytes, offset + 2 + nameLength, length - 2 - nameLength);
    if (tag.indexOf('<') < 0 && CONTAINERS.contains(tag) && !isEmpty(value)) {
      // A container without an element class is written only when empty; elements read here
      // would be Jackson's untyped maps and lists, never the application's classes.
      throw new IllegalArgumentException("the copy names " + tag + " but holds elements");
    }
    if (tag.endsWith(",java.lang.Object>")
        && value instanceof Map<?, ?> map
        && map.values().stream().anyMatch(Objects::nonNull)) {
      // Likewise a map recorded with Object values is written only when every value is null.
      throw new IllegalArgumentException("the copy names " + tag + " but holds values");
    }
    return value;
  }

  private static boolean isEmpty(Object value) {
    return value instanceof Collection<?> c
        ? c.isEmpty()
        : value instanceof Map<?, ?> m && m.isEmpty();
  }

  /**
   * Whether a recorded type may be read: an allowed class, or one of the containers this codec
   * writes ({@link #LIST}, {@link #LINKED_SET}, {@link #LINKED_MAP}) with allowed type arguments;
   * nothing else, checked before any class is loaded.
   */
  boolean isAllowedTag(String tag) {
    int open = tag.indexOf('<');
    if (open < 0) {
      return CONTAINERS.contains(tag) || isAllowed(tag);
    }
    String container = tag.substring(0, open);
    if (!CONTAINERS.contains(container) || !tag.endsWith(">")) {
      return false;
    }
    String[] arguments = tag.substring(open + 1, tag.length() - 1).split(",", -1);
    int expected = container.equals(LINKED_MAP) ? 2 : 1;
    if (arguments.length != expected) {
      return false;
    }
    for (String argument : arguments) {
      if (!(isAllowed(argument) || (expected == 2 && argument.equals("java.lang.Object")))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The writer of a recorded type: the containers by their interface ({@code Map}, {@code
   * Collection}), since the value may be any implementation ({@code Map.of}, {@code Set.of}).
   */
  private JsonMapping.Binding writerFor(String tag) {
    String declared =
        tag.startsWith(LINKED_MAP)
            ? "java.util.Map" + tag.substring(LINKED_MAP.length())
            : tag.startsWith(LINKED_SET)
                ? "java.util.Collection" + tag.substring(LINKED_SET.length())
                : tag;
    return bind(declared);
  }

  private JsonMapping.Binding bind(String tag) {
    try {
      return json.bind(tag, classLoader);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the copy names " + tag + ", which is not on the class path", e);
    }
  }

  @Override
  public String toString() {
    return "ClassTaggedJsonCodec" + allowedPackages;
  }
}
