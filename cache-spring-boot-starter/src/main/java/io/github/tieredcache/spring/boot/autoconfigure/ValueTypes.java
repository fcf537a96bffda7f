package io.github.tieredcache.spring.boot.autoconfigure;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;

/**
 * Reads a cache's {@code value-type}: a class name, or a generic type in Java's notation such as
 * {@code java.util.List<com.example.Post>}, which Jackson's {@link TypeFactory} parses (its
 * canonical form), each class loaded by the application's class loader.
 */
final class ValueTypes {

  private ValueTypes() {}

  /**
   * Returns the type {@code text} names.
   *
   * @throws IllegalArgumentException saying what is wrong, when a class is not on the class path or
   *     the text is not a type
   */
  static JavaType resolve(String text, ClassLoader classLoader) {
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("must name a class, but is empty");
    }
    try {
      JavaType type =
          TypeFactory.defaultInstance()
              .withClassLoader(classLoader)
              .constructFromCanonical(trimmed);
      if (type.isPrimitive()) {
        throw new IllegalArgumentException(
            "must name a class, not the primitive '" + trimmed + "' (use its box)");
      }
      return type;
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("must name")) {
        throw e;
      }
      throw new IllegalArgumentException(
          "must name a class on the class path or a generic type such as"
              + " java.util.List<com.example.Post>, but '"
              + trimmed
              + "' is not one: "
              + e.getMessage(),
          e);
    }
  }
}
