package io.github.tieredcache.codec;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * JSON through Jackson, bound to one declared type.
 *
 * <p>The codec never enables Jackson's default typing: the bytes of a copy say nothing about which
 * class to instantiate, the declared type does, so a copy written by someone else cannot make this
 * process construct an arbitrary class. A mapper with default typing enabled is refused.
 *
 * <p><b>The id names the schema.</b> The codec's {@link #id()} is {@code json:} followed by a
 * fingerprint of the declared type's shape as Jackson sees it: its properties, their names and
 * types, and those of the beans and containers it holds, a few levels deep. Two versions of a class
 * that differ in a field (renamed, added, retyped) have different ids, so a copy one wrote is a
 * miss for the other, counted and never decoded (see the cache's treatment of such copies), rather
 * than a partial or coerced object.
 *
 * <p>The default mapper registers Java time types (written as ISO-8601 strings) and is strict:
 * unknown properties, a number where text is declared (or text or a boolean where a number is), a
 * {@code null} for a primitive, and trailing bytes after the value all fail to decode, so a copy
 * that does not match its schema is a miss rather than a half-read value.
 *
 * <p>Thread-safe: it holds only an immutable reader and writer.
 */
public final class JacksonValueCodec<V> implements ValueCodec<V> {

  private final ObjectReader reader;
  private final ObjectWriter writer;
  private final String id;

  private JacksonValueCodec(ObjectMapper mapper, JavaType type) {
    Objects.requireNonNull(mapper, "mapper");
    Objects.requireNonNull(type, "type");
    if (mapper.getSerializationConfig().getDefaultTyper(type) != null
        || mapper.getDeserializationConfig().getDefaultTyper(type) != null) {
      throw new IllegalArgumentException(
          "mapper: default typing is enabled; JacksonValueCodec is bound to a declared type and"
              + " refuses polymorphic default typing");
    }
    this.reader = mapper.readerFor(type);
    this.writer = mapper.writerFor(type);
    this.id = "json:" + SchemaFingerprint.of(mapper, type);
  }

  /** Returns a codec for {@code type} with the default mapper. */
  public static <V> JacksonValueCodec<V> of(Class<V> type) {
    ObjectMapper mapper = defaultMapper();
    return new JacksonValueCodec<>(
        mapper, mapper.constructType(Objects.requireNonNull(type, "type")));
  }

  /**
   * Returns a codec for a generic {@code type}, such as {@code List<Post>}, with the default
   * mapper.
   */
  public static <V> JacksonValueCodec<V> of(TypeReference<V> type) {
    ObjectMapper mapper = defaultMapper();
    return new JacksonValueCodec<>(
        mapper, mapper.constructType(Objects.requireNonNull(type, "type")));
  }

  /** Returns a codec for {@code type} with the caller's {@code mapper}. */
  public static <V> JacksonValueCodec<V> of(ObjectMapper mapper, Class<V> type) {
    Objects.requireNonNull(mapper, "mapper");
    return new JacksonValueCodec<>(
        mapper, mapper.constructType(Objects.requireNonNull(type, "type")));
  }

  /** Returns a codec for {@code type} with the caller's {@code mapper}. */
  public static <V> JacksonValueCodec<V> of(ObjectMapper mapper, JavaType type) {
    return new JacksonValueCodec<>(mapper, type);
  }

  /** Returns the mapper the factory methods use when none is given; see the class comment. */
  public static ObjectMapper defaultMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .withCoercionConfig(
            LogicalType.Textual,
            c ->
                c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .build();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public byte[] encode(V value) {
    try {
      return writer.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException("could not encode a " + value.getClass().getName(), e);
    }
  }

  @Override
  public V decode(byte[] bytes, int offset, int length) {
    try {
      V value = reader.readValue(bytes, offset, length);
      if (value == null) {
        throw new IllegalArgumentException("JSON null where a value was expected");
      }
      return value;
    } catch (IOException e) {
      throw new UncheckedIOException("could not decode a copy", e);
    }
  }
}
