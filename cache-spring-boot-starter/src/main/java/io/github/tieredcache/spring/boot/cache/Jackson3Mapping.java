package io.github.tieredcache.spring.boot.cache;

import io.github.tieredcache.codec.ValueCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationConfig;
import tools.jackson.databind.introspect.BeanPropertyDefinition;
import tools.jackson.databind.introspect.ClassIntrospector;

/**
 * {@link JsonMapping} on Jackson 3, with the application's mapper (in a Boot application, the
 * {@code JsonMapper} that {@code spring.jackson.*} configures: naming strategy, modules, date
 * formats), made strict for reading: unknown properties, trailing tokens and a {@code null} for a
 * primitive fail to decode, so a copy of another shape is a miss rather than a half-read value.
 *
 * <p>A typed codec's id is {@code json3:} and a fingerprint of the type's properties as this mapper
 * names them (a few levels deep, as cache-core's Jackson 2 codec does), so instances whose classes
 * or Jackson settings differ miss each other's copies instead of misreading them.
 */
public final class Jackson3Mapping implements JsonMapping {

  private static final int DEPTH = 4;

  private final ObjectMapper mapper;

  /**
   * Uses {@code mapper}'s settings, made strict for reading.
   *
   * @throws IllegalArgumentException if {@code mapper} has default typing enabled
   */
  public Jackson3Mapping(ObjectMapper mapper) {
    Objects.requireNonNull(mapper, "mapper");
    JavaType object = mapper.constructType(Object.class);
    if (mapper.serializationConfig().getDefaultTyper(object) != null
        || mapper.deserializationConfig().getDefaultTyper(object) != null) {
      throw new IllegalArgumentException(
          "mapper: default typing is enabled; tiered-cache's codecs read declared or recorded"
              + " types and refuse polymorphic default typing");
    }
    this.mapper =
        mapper
            .rebuild()
            .enable(
                DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
  }

  @Override
  public String name() {
    return "json3";
  }

  @Override
  public ValueCodec<Object> typed(String type, ClassLoader classLoader) {
    JavaType javaType = typeOf(type, classLoader);
    Binding binding = bind(javaType, type);
    String id = "json3:" + fingerprint(javaType);
    return new ValueCodec<>() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public byte[] encode(Object value) {
        return binding.write(value);
      }

      @Override
      public Object decode(byte[] bytes, int offset, int length) {
        return binding.read(bytes, offset, length);
      }

      @Override
      public String toString() {
        return "Jackson3 " + type;
      }
    };
  }

  @Override
  public Binding bind(String type, ClassLoader classLoader) {
    return bind(typeOf(type, classLoader), type);
  }

  private Binding bind(JavaType javaType, String type) {
    ObjectReader reader = mapper.readerFor(javaType);
    ObjectWriter writer = mapper.writerFor(javaType);
    return new Binding() {
      @Override
      public byte[] write(Object value) {
        try {
          return writer.writeValueAsBytes(value);
        } catch (JacksonException e) {
          throw new IllegalArgumentException(
              "could not encode a " + type + ": " + e.getMessage(), e);
        }
      }

      @Override
      public Object read(byte[] bytes, int offset, int length) {
        Object value;
        try {
          value = reader.readValue(bytes, offset, length);
        } catch (JacksonException e) {
          throw new IllegalArgumentException(
              "could not decode a " + type + ": " + e.getMessage(), e);
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

  /** Eight hex digits of a CRC-32 of the type's JSON shape; see the class comment. */
  String fingerprint(JavaType type) {
    StringBuilder shape = new StringBuilder();
    describe(type, shape, DEPTH, new HashSet<>());
    CRC32 crc = new CRC32();
    crc.update(shape.toString().getBytes(StandardCharsets.UTF_8));
    return String.format("%08x", crc.getValue());
  }

  private void describe(JavaType type, StringBuilder out, int depth, Set<String> seen) {
    out.append(type.toCanonical());
    if (type.isContainerType() || type.isReferenceType()) {
      JavaType content = type.getContentType();
      if (content != null && depth > 0) {
        out.append('<');
        describe(content, out, depth - 1, seen);
        out.append('>');
      }
      return;
    }
    Class<?> raw = type.getRawClass();
    if (raw.isPrimitive()
        || raw.isEnum()
        || raw.getName().startsWith("java.")
        || depth == 0
        || !seen.add(raw.getName())) {
      return;
    }
    SerializationConfig config = mapper.serializationConfig();
    ClassIntrospector introspector = config.classIntrospectorInstance().forOperation(config);
    BeanDescription bean =
        introspector.introspectForSerialization(
            type, introspector.introspectClassAnnotations(type));
    List<String> properties = new ArrayList<>();
    for (BeanPropertyDefinition property : bean.findProperties()) {
      StringBuilder p = new StringBuilder(property.getName()).append(':');
      describe(property.getPrimaryType(), p, depth - 1, seen);
      properties.add(p.toString());
    }
    properties.sort(null);
    out.append('{').append(String.join(",", properties)).append('}');
    seen.remove(raw.getName());
  }

  @Override
  public String toString() {
    return "Jackson 3";
  }
}
