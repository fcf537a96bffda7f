package io.github.tieredcache.codec;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The fingerprint of a type's JSON shape as one mapper writes and reads it: the type, and for a
 * bean its properties (name and type, sorted), recursively through beans and the content of
 * containers, down to {@value #DEPTH} levels. Types of the JDK count by name only. Eight hex digits
 * of a CRC-32: enough to tell two versions of a class apart, not a security measure.
 */
final class SchemaFingerprint {

  static final int DEPTH = 4;

  private SchemaFingerprint() {}

  static String of(ObjectMapper mapper, JavaType type) {
    StringBuilder shape = new StringBuilder();
    describe(mapper, type, shape, DEPTH, new HashSet<>());
    CRC32 crc = new CRC32();
    crc.update(shape.toString().getBytes(StandardCharsets.UTF_8));
    return String.format("%08x", crc.getValue());
  }

  private static void describe(
      ObjectMapper mapper, JavaType type, StringBuilder out, int depth, Set<String> seen) {
    out.append(type.toCanonical());
    if (type.isContainerType() || type.isReferenceType()) {
      JavaType content = type.getContentType();
      if (content != null && depth > 0) {
        out.append('<');
        describe(mapper, content, out, depth - 1, seen);
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
    BeanDescription bean = mapper.getSerializationConfig().introspect(type);
    List<String> properties = new ArrayList<>();
    for (BeanPropertyDefinition property : bean.findProperties()) {
      StringBuilder p = new StringBuilder(property.getName()).append(':');
      describe(mapper, property.getPrimaryType(), p, depth - 1, seen);
      properties.add(p.toString());
    }
    properties.sort(null);
    out.append('{').append(String.join(",", properties)).append('}');
    seen.remove(raw.getName());
  }
}
