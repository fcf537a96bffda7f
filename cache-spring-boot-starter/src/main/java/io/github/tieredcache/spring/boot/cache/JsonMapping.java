package io.github.tieredcache.spring.boot.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tieredcache.codec.ValueCodec;

/**
 * The Jackson line and mapper the starter's JSON codecs write and read with: Jackson 3 with the
 * application's {@code JsonMapper} (so {@code spring.jackson.*} applies to cached values) when it
 * has one, Jackson 2 otherwise. Both are type-safe: a copy is read as the type the cache declares
 * or the copy records (checked against the allow-list), never through Jackson's default typing,
 * which both refuse.
 *
 * <p>The two lines write different codec ids ({@code json:...} and {@code json3:...}), so during a
 * rolling upgrade from one to the other each instance misses the other's copies instead of reading
 * them with other settings.
 */
public sealed interface JsonMapping permits Jackson2Mapping, Jackson3Mapping {

  /** Jackson 2 with {@code mapper}, which must not have default typing enabled. */
  static JsonMapping jackson2(ObjectMapper mapper) {
    return new Jackson2Mapping(mapper);
  }

  /** The prefix of the ids of this line's codecs: {@code json} or {@code json3}. */
  String name();

  /**
   * A codec for values of exactly {@code type}, whose id names the type's schema as this mapper
   * sees it.
   *
   * @param type a class name or a generic type in Java's notation ({@code
   *     java.util.List<com.example.Post>})
   * @throws IllegalArgumentException if {@code type} names no loadable type
   */
  ValueCodec<Object> typed(String type, ClassLoader classLoader);

  /** Writes and reads values of one type, for {@link ClassTaggedJsonCodec}. */
  Binding bind(String type, ClassLoader classLoader);

  /** How one type is written and read. */
  interface Binding {
    /** The JSON of {@code value}. */
    byte[] write(Object value);

    /** The value {@code length} bytes from {@code offset} hold, never {@code null}. */
    Object read(byte[] bytes, int offset, int length);
  }
}
