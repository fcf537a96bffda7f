package io.github.tieredcache.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import java.net.URL;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class JacksonValueCodecTest {

  public record Post(long id, String title, Instant createdAt, List<String> tags) {}

  /** A value with a field declared as {@code Object}, where a type hint could do harm. */
  public record Message(String kind, @Nullable Object payload) {}

  /** Post as a later version of the application has it: a field renamed. */
  public record PostRenamed(long id, String heading, Instant createdAt, List<String> tags) {}

  /** Post with a field's type changed from text to a number. */
  public record PostRetyped(long id, int title, Instant createdAt, List<String> tags) {}

  /** Post with a field added. */
  public record PostExtended(
      long id, String title, Instant createdAt, List<String> tags, int likes) {}

  /** A holder of posts, to show the fingerprint reaches into a list's element type. */
  public record Page(List<Post> posts) {}

  /** The same holder over the renamed post. */
  public record PageRenamed(List<PostRenamed> posts) {}

  private static final Post POST =
      new Post(
          42L,
          "Tiered caches — ünïcødé",
          Instant.parse("2025-06-01T12:34:56.789Z"),
          List.of("java", "cache"));

  private static <V> V roundTrip(ValueCodec<V> codec, V value) {
    byte[] bytes = codec.encode(value);
    return codec.decode(bytes, 0, bytes.length);
  }

  private static <V> V decode(ValueCodec<V> codec, String json) {
    byte[] bytes = json.getBytes(UTF_8);
    return codec.decode(bytes, 0, bytes.length);
  }

  @Test
  void roundTripsARecordWithAnInstantAndAList() {
    assertThat(roundTrip(JacksonValueCodec.of(Post.class), POST)).isEqualTo(POST);
  }

  @Test
  void writesInstantsAsIso8601Text() {
    String json = new String(JacksonValueCodec.of(Post.class).encode(POST), UTF_8);

    assertThat(json).contains("\"2025-06-01T12:34:56.789Z\"");
  }

  @Test
  void roundTripsAGenericListThroughATypeReference() {
    JacksonValueCodec<List<Post>> codec = JacksonValueCodec.of(new TypeReference<List<Post>>() {});
    List<Post> posts = List.of(POST, new Post(7L, "second", Instant.EPOCH, List.of()));

    List<Post> decoded = roundTrip(codec, posts);

    assertThat(decoded).containsExactlyElementsOf(posts);
    assertThat(decoded.get(0)).isInstanceOf(Post.class);
  }

  @Test
  void roundTripsWithTheCallersMapper() {
    JacksonValueCodec<Post> codec =
        JacksonValueCodec.of(JacksonValueCodec.defaultMapper(), Post.class);

    assertThat(roundTrip(codec, POST)).isEqualTo(POST);
  }

  @Test
  void decodesOnlyTheGivenSliceOfTheBytes() {
    JacksonValueCodec<Post> codec = JacksonValueCodec.of(Post.class);
    byte[] payload = codec.encode(POST);
    byte[] framed = new byte[payload.length + 10];
    Arrays.fill(framed, (byte) '#');
    System.arraycopy(payload, 0, framed, 4, payload.length);

    assertThat(codec.decode(framed, 4, payload.length)).isEqualTo(POST);
  }

  @Test
  void theIdNamesJsonAndTheSchemaOfTheDeclaredType() {
    String id = JacksonValueCodec.of(Post.class).id();

    assertThat(id).matches("json:[0-9a-f]{8}");
    assertThat(JacksonValueCodec.of(Post.class).id()).as("stable for one shape").isEqualTo(id);
    assertThat(JacksonValueCodec.of(PostRenamed.class).id()).as("a field renamed").isNotEqualTo(id);
    assertThat(JacksonValueCodec.of(PostRetyped.class).id()).as("a field retyped").isNotEqualTo(id);
    assertThat(JacksonValueCodec.of(PostExtended.class).id()).as("a field added").isNotEqualTo(id);
    assertThat(JacksonValueCodec.of(Page.class).id())
        .as("a change inside a list's element type")
        .isNotEqualTo(JacksonValueCodec.of(PageRenamed.class).id());
  }

  @Test
  void refusesANumberWhereTextIsDeclaredAndTextWhereANumberIsRatherThanCoercingIt() {
    JacksonValueCodec<Post> codec = JacksonValueCodec.of(Post.class);

    assertThatThrownBy(
            () ->
                decode(
                    codec,
                    "{\"id\":42,\"title\":7,\"createdAt\":\"2025-06-01T00:00:00Z\",\"tags\":[]}"))
        .as("a number where text is declared")
        .isInstanceOf(RuntimeException.class);
    assertThatThrownBy(
            () ->
                decode(
                    codec,
                    "{\"id\":\"42\",\"title\":\"t\",\"createdAt\":\"2025-06-01T00:00:00Z\",\"tags\":[]}"))
        .as("text where a number is declared")
        .isInstanceOf(RuntimeException.class);
    assertThatThrownBy(
            () ->
                decode(
                    codec,
                    "{\"id\":null,\"title\":\"t\",\"createdAt\":\"2025-06-01T00:00:00Z\",\"tags\":[]}"))
        .as("null for a primitive")
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void refusesAMapperWithDefaultTypingEnabled() {
    ObjectMapper mapper = JacksonValueCodec.defaultMapper();
    mapper.activateDefaultTyping(
        BasicPolymorphicTypeValidator.builder().allowIfBaseType(Object.class).build(),
        ObjectMapper.DefaultTyping.NON_FINAL);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> JacksonValueCodec.of(mapper, Post.class))
        .withMessageContaining("mapper")
        .withMessageContaining("default typing");
  }

  @Test
  void refusesAMapperWithDefaultTypingAsAPropertyEvenForJavaLangObjectOnly() {
    ObjectMapper mapper =
        JsonMapper.builder()
            .activateDefaultTypingAsProperty(
                BasicPolymorphicTypeValidator.builder().allowIfBaseType(Object.class).build(),
                ObjectMapper.DefaultTyping.JAVA_LANG_OBJECT,
                "@class")
            .build();

    assertThatIllegalArgumentException()
        .isThrownBy(() -> JacksonValueCodec.of(mapper, Message.class))
        .withMessageContaining("default typing");
  }

  @Test
  void refusesNullArguments() {
    assertThatNullPointerException()
        .isThrownBy(() -> JacksonValueCodec.of((Class<Post>) null))
        .withMessage("type");
    assertThatNullPointerException()
        .isThrownBy(() -> JacksonValueCodec.of(null, Post.class))
        .withMessage("mapper");
  }

  @Test
  void failsToDecodeBytesThatAreNotJson() {
    JacksonValueCodec<Post> codec = JacksonValueCodec.of(Post.class);
    byte[] garbage = {(byte) 0xFF, 0x00, 0x13, 0x37, (byte) 0xC0};

    assertThatThrownBy(() -> codec.decode(garbage, 0, garbage.length))
        .isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> decode(codec, "not json at all")).isInstanceOf(RuntimeException.class);
  }

  @Test
  void failsToDecodeTruncatedJson() {
    JacksonValueCodec<Post> codec = JacksonValueCodec.of(Post.class);
    byte[] whole = codec.encode(POST);

    assertThatThrownBy(() -> codec.decode(whole, 0, whole.length / 2))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void refusesDeeplyNestedJsonWithADecodeErrorNotAStackOverflow() {
    JacksonValueCodec<Message> codec = JacksonValueCodec.of(Message.class);
    int depth = 100_000;
    byte[] hostile =
        ("{\"kind\":\"k\",\"payload\":" + "[".repeat(depth) + "]".repeat(depth) + "}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    assertThatThrownBy(() -> codec.decode(hostile, 0, hostile.length))
        .isInstanceOf(RuntimeException.class)
        .rootCause()
        .as("Jackson's StreamReadConstraints stop it at depth 1000")
        .hasMessageContaining("nesting depth");
  }

  @Test
  void failsToDecodeNoBytes() {
    JacksonValueCodec<Post> codec = JacksonValueCodec.of(Post.class);

    assertThatThrownBy(() -> codec.decode(new byte[0], 0, 0)).isInstanceOf(RuntimeException.class);
  }

  @Test
  void failsToDecodeJsonNullRatherThanReturningNull() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> decode(JacksonValueCodec.of(Post.class), "null"))
        .withMessageContaining("null");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> decode(JacksonValueCodec.of(new TypeReference<List<Post>>() {}), " null "));
  }

  @Test
  void failsToDecodeJsonOfAnotherShape() {
    assertThatThrownBy(() -> decode(JacksonValueCodec.of(Post.class), "[1, 2, 3]"))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void refusesAnUnknownPropertyRatherThanReturningAPartialObject() {
    String json =
        "{\"id\":42,\"title\":\"t\",\"createdAt\":\"2025-06-01T00:00:00Z\",\"tags\":[],"
            + "\"addedLater\":{\"nested\":[1,2]}}";

    assertThatThrownBy(() -> decode(JacksonValueCodec.of(Post.class), json))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void doesNotFollowAnArrayTypeHintAtTheTopLevel() {
    Throwable thrown =
        catchThrowable(
            () -> decode(JacksonValueCodec.of(Post.class), "[\"java.net.URL\", \"http://x\"]"));

    assertThat(thrown).isInstanceOf(RuntimeException.class);
  }

  @Test
  void refusesAClassPropertyTypeHintAndInstantiatesNothingItNames() {
    String json =
        "{\"@class\":\"java.net.URL\",\"id\":1,\"title\":\"t\","
            + "\"createdAt\":\"2025-06-01T00:00:00Z\",\"tags\":[\"a\"]}";

    Throwable thrown = catchThrowable(() -> decode(JacksonValueCodec.of(Post.class), json));

    assertThat(thrown).isInstanceOf(RuntimeException.class).hasStackTraceContaining("@class");
  }

  @Test
  void doesNotInstantiateAClassNamedInAnArrayTypeHintInsideAnObjectField() {
    Message decoded =
        decode(
            JacksonValueCodec.of(Message.class),
            "{\"kind\":\"k\",\"payload\":[\"java.net.URL\",\"http://x\"]}");

    assertThat(decoded.payload())
        .isNotInstanceOf(URL.class)
        .isEqualTo(List.of("java.net.URL", "http://x"));
  }

  @Test
  void doesNotInstantiateAClassNamedInAPropertyTypeHintInsideAnObjectField() {
    Message decoded =
        decode(
            JacksonValueCodec.of(Message.class),
            "{\"kind\":\"k\",\"payload\":"
                + "{\"@class\":\"java.net.URL\",\"protocol\":\"http\",\"host\":\"x\"}}");

    assertThat(decoded.payload())
        .isNotInstanceOf(URL.class)
        .isInstanceOf(Map.class)
        .isEqualTo(Map.of("@class", "java.net.URL", "protocol", "http", "host", "x"));
  }

  @Test
  void trailingBytesAfterTheValueAreADecodeError() {
    JacksonValueCodec<Post> codec = JacksonValueCodec.of(Post.class);
    byte[] bytes =
        "{\"id\":1,\"title\":\"t\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"tags\":[]}xyz"
            .getBytes(UTF_8);
    assertThatThrownBy(() -> codec.decode(bytes, 0, bytes.length))
        .isInstanceOf(RuntimeException.class);
  }
}
