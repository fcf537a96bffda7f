package io.github.tieredcache.spring.boot.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tieredcache.codec.JacksonValueCodec;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.springframework.cache.support.NullValue;

class CodecsTest {

  /** A value in an allowed package (this test's). */
  public record Post(long id, String title, Instant createdAt) {}

  private final ClassTaggedJsonCodec tagged =
      new ClassTaggedJsonCodec(
          List.of("io.github.tieredcache.spring.boot.cache"), getClass().getClassLoader());

  @Test
  void classTaggedCodecRoundTripsAllowedClassesAndJdkValues() {
    Post post = new Post(1, "hello", Instant.parse("2025-01-01T00:00:00Z"));

    assertThat(roundTrip(tagged, post)).isEqualTo(post);
    assertThat(roundTrip(tagged, "text")).isEqualTo("text");
    assertThat(roundTrip(tagged, 42L)).isEqualTo(42L).isInstanceOf(Long.class);
    assertThat(roundTrip(tagged, new BigDecimal("1.50"))).isEqualTo(new BigDecimal("1.50"));
    assertThat(roundTrip(tagged, Instant.EPOCH)).isEqualTo(Instant.EPOCH);
    assertThat((Post[]) roundTrip(tagged, new Post[] {post})).containsExactly(post);
  }

  @Test
  void classTaggedCodecRefusesToDecodeAClassOutsideTheAllowedPackages() {
    // Written by a codec that allows everything under "java.", read by one that does not.
    byte[] bytes = tag("java.util.ArrayList", "[]");

    assertThatIllegalArgumentException()
        .isThrownBy(() -> tagged.decode(bytes, 0, bytes.length))
        .withMessageContaining("java.util.ArrayList")
        .withMessageContaining("tiered-cache.allowed-packages");
  }

  @Test
  void classTaggedCodecNeverLoadsADisallowedClass() {
    byte[] bytes = tag("com.example.Gadget", "{}");
    assertThatIllegalArgumentException().isThrownBy(() -> tagged.decode(bytes, 0, bytes.length));
    assertThat(tagged.isAllowed("io.github.tieredcache.spring.boot.cache.CodecsTest$Post"))
        .isTrue();
    assertThat(tagged.isAllowed("io.github.tieredcache.spring.bootX.Evil")).isFalse();
    assertThat(tagged.isAllowed("java.time.chrono.HijrahDate")).isFalse();
  }

  @Test
  void classTaggedCodecRoundTripsCollectionsOfOneAllowedClassWithTheirElementType() {
    Post first = new Post(1, "one", Instant.EPOCH);
    Post second = new Post(2, "two", Instant.EPOCH);

    Object list = roundTrip(tagged, List.of(first, second));
    assertThat(list).isInstanceOf(List.class).isEqualTo(List.of(first, second));
    assertThat(((List<?>) list).get(0)).as("elements are Posts, not maps").isInstanceOf(Post.class);
    assertThat(roundTrip(tagged, new LinkedHashSet<>(List.of(second, first))))
        .isInstanceOf(Set.class)
        .asInstanceOf(InstanceOfAssertFactories.ITERABLE)
        .containsExactly(second, first);
    Map<String, Post> byTitle = new LinkedHashMap<>();
    byTitle.put("one", first);
    byTitle.put("two", second);
    assertThat(roundTrip(tagged, byTitle)).isEqualTo(byTitle);
    assertThat(roundTrip(tagged, Map.of(7L, "seven"))).isEqualTo(Map.of(7L, "seven"));
    assertThat(roundTrip(tagged, List.of())).isEqualTo(List.of());
    assertThat(roundTrip(tagged, Arrays.asList(first, null))).isEqualTo(Arrays.asList(first, null));
    assertThat(new String(tagged.encode(List.of(first)), StandardCharsets.UTF_8))
        .contains("java.util.List<" + Post.class.getName() + ">");
  }

  @Test
  void classTaggedCodecRefusesCollectionsItCouldNotReadBackAndDisallowedClasses() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> tagged.encode(List.of(1, "two")))
        .withMessageContaining("several classes")
        .withMessageContaining("value-type");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> tagged.encode(List.of(List.of(1))))
        .withMessageContaining("value-type");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> tagged.encode(List.of(new Object())))
        .withMessageContaining("java.lang.Object")
        .withMessageContaining("allowed-packages");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> tagged.encode(Map.of(new Post(1, "k", Instant.EPOCH), "v")))
        .withMessageContaining("keys");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> tagged.encode(Map.entry("a", "b")))
        .withMessageContaining("allowed-packages");
  }

  @Test
  void classTaggedCodecRefusesForgedCollectionRecords() {
    for (String forged :
        List.of(
            "java.util.List<java.lang.ProcessBuilder>",
            "java.util.ArrayList<java.lang.String>",
            "java.util.List<java.lang.String,java.lang.String>",
            "java.util.LinkedHashMap<java.lang.String,java.lang.Thread>",
            "java.util.List<java.util.List<com.example.Gadget>>")) {
      byte[] bytes = tag(forged, "[]");
      assertThatIllegalArgumentException()
          .as(forged)
          .isThrownBy(() -> tagged.decode(bytes, 0, bytes.length))
          .withMessageContaining("allowed-packages");
    }
    byte[] objectValues =
        tag("java.util.LinkedHashMap<java.lang.String,java.lang.Object>", "{\"k\":{\"a\":1}}");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> tagged.decode(objectValues, 0, objectValues.length))
        .withMessageContaining("holds values");
    Map<String, Object> nullValues = new LinkedHashMap<>();
    nullValues.put("k", null);
    assertThat(roundTrip(tagged, nullValues)).isEqualTo(nullValues);
    byte[] untypedWithElements = tag("java.util.List", "[{\"a\":1}]");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> tagged.decode(untypedWithElements, 0, untypedWithElements.length))
        .withMessageContaining("holds elements");
  }

  @Test
  void nullValueCodecStoresNullValueAsAMarkerAndDelegatesTheRest() {
    NullValueCodec codec = NullValueCodec.wrap(JacksonValueCodec.of(Post.class), Post.class);
    Post post = new Post(2, "x", Instant.EPOCH);

    byte[] marker = codec.encode(NullValue.INSTANCE);
    assertThat(NullValueCodec.isNullMarker(marker)).isTrue();
    assertThat(codec.decode(marker, 0, marker.length)).isSameAs(NullValue.INSTANCE);
    assertThat(roundTrip(codec, post)).isEqualTo(post);
    assertThat(codec.id())
        .as("names the delegate's schema, so another version of Post is a miss, not a partial read")
        .isEqualTo("spring-" + JacksonValueCodec.of(Post.class).id())
        .startsWith("spring-json:");
  }

  @Test
  void nullValueCodecRefusesAValueOfAnotherTypeThanDeclared() {
    NullValueCodec codec = NullValueCodec.wrap(JacksonValueCodec.of(Post.class), Post.class);

    assertThatThrownBy(() -> codec.encode("not a post"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("value-type")
        .hasMessageContaining(Post.class.getName());
  }

  private static Object roundTrip(
      io.github.tieredcache.codec.ValueCodec<Object> codec, Object value) {
    byte[] bytes = codec.encode(value);
    return codec.decode(bytes, 0, bytes.length);
  }

  private static byte[] tag(String className, String json) {
    byte[] name = className.getBytes(StandardCharsets.UTF_8);
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[2 + name.length + body.length];
    bytes[0] = (byte) (name.length >> 8);
    bytes[1] = (byte) name.length;
    System.arraycopy(name, 0, bytes, 2, name.length);
    System.arraycopy(body, 0, bytes, 2 + name.length, body.length);
    return bytes;
  }
}
