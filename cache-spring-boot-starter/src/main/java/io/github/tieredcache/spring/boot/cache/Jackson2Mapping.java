package io.github.tieredcache.spring.boot.cache;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.codec.ValueCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/** {@link JsonMapping} on Jackson 2, through cache-core's {@link JacksonValueCodec}. */
final class Jackson2Mapping implements JsonMapping {

  private final ObjectMapper mapper;

  Jackson2Mapping(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    JacksonValueCodec.of(mapper, Object.class); // refuses a mapper with default typing
  }

  @Override
  public String name() {
    return "json";
  }

  @Override
  @SuppressWarnings("unchecked")
  public ValueCodec<Object> typed(String type, ClassLoader classLoader) {
    return (ValueCodec<Object>)
        (ValueCodec<?>) JacksonValueCodec.of(mapper, typeOf(type, classLoader));
  }

  @Override
  public Binding bind(String type, ClassLoader classLoader) {
    JavaType javaType = typeOf(type, classLoader);
    ObjectReader reader = mapper.readerFor(javaType);
    ObjectWriter writer = mapper.writerFor(javaType);
    return new Binding() {
      @Override
      public byte[] write(Object value) {
        try {
          return writer.writeValueAsBytes(value);
        } catch (IOException e) {
          throw new UncheckedIOException("could not encode a " + type, e);
        }
      }

      @Override
      public Object read(byte[] bytes, int offset, int length) {
        Object value;
        try {
          value = reader.readValue(bytes, offset, length);
        } catch (IOException e) {
          throw new UncheckedIOException("could not decode a " + type, e);
        }
        if (value == null) {
          throw new IllegalArgumentException("JSON null where a value was expected");
        }
        return value;
      }
    };
  }

  private JavaType typeOf(String type, ClassLoader classLoader) {
    return mapper.getTypeFactory().withClassLoader(classLoader).constructFromCanonical(type);
  }

  @Override
  public String toString() {
    return "Jackson 2";
  }
}
