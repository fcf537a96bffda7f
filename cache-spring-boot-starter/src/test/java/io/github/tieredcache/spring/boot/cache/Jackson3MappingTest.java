package io.github.tieredcache.spring.boot.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.github.tieredcache.codec.ValueCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

/** The Jackson 3 codecs: the application's settings apply, reads are strict, ids name the shape. */
class Jackson3MappingTest {

  public record Post(long id, String title, Instant createdAt) {}

  private static final ClassLoader LOADER = Jackson3MappingTest.class.getClassLoader();
  private static final Post POST = new Post(1, "hello", Instant.parse("2026-01-01T00:00:00Z"));

  private final Jackson3Mapping plain = new Jackson3Mapping(JsonMapper.builder().build());
  private final Jackson3Mapping snake =
      new Jackson3Mapping(
          JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build());

  @Test
  void aTypedCodecRoundTripsWithTheMappersSettings() {
    ValueCodec<Object> codec = snake.typed(Post.class.getName(), LOADER);
    byte[] bytes = codec.encode(POST);

    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .contains("\"created_at\":\"2026-01-01T00:00:00Z\"");
    assertThat(codec.decode(bytes, 0, bytes.length)).isEqualTo(POST);
    assertThat(codec.id()).startsWith("json3:");
  }

  @Test
  void theIdChangesWithTheShapeTheMapperSees() {
    assertThat(plain.typed(Post.class.getName(), LOADER).id())
        .as("another naming strategy is another shape: each misses the other's copies")
        .isNotEqualTo(snake.typed(Post.class.getName(), LOADER).id());
    assertThat(plain.typed(Post.class.getName(), LOADER).id())
        .isEqualTo(
            new Jackson3Mapping(JsonMapper.builder().build())
                .typed(Post.class.getName(), LOADER)
                .id());
  }

  @Test
  void readsAreStrictEvenWhenTheApplicationsMapperIsNot() {
    ValueCodec<Object> codec = plain.typed(Post.class.getName(), LOADER);
    byte[] unknown =
        "{\"id\":1,\"title\":\"x\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"extra\":1}"
            .getBytes(StandardCharsets.UTF_8);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> codec.decode(unknown, 0, unknown.length))
        .withMessageContaining("could not decode");
  }

  @Test
  void genericTypesAndTheClassTaggedCodecWork() {
    ValueCodec<Object> list = plain.typed("java.util.List<" + Post.class.getName() + ">", LOADER);
    byte[] bytes = list.encode(List.of(POST));
    assertThat(list.decode(bytes, 0, bytes.length)).isEqualTo(List.of(POST));

    ClassTaggedJsonCodec tagged =
        new ClassTaggedJsonCodec(snake, List.of("io.github.tieredcache.spring.boot.cache"), LOADER);
    assertThat(tagged.id()).isEqualTo("json3-class");
    byte[] copy = tagged.encode(List.of(POST));
    assertThat(new String(copy, StandardCharsets.UTF_8)).contains("created_at");
    assertThat(tagged.decode(copy, 0, copy.length)).isEqualTo(List.of(POST));
  }

  @Test
  void aMapperWithDefaultTypingIsRefused() {
    JsonMapper typing =
        JsonMapper.builder()
            .activateDefaultTyping(
                BasicPolymorphicTypeValidator.builder().allowIfBaseType(Object.class).build(),
                DefaultTyping.NON_FINAL)
            .build();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Jackson3Mapping(typing))
        .withMessageContaining("default typing");
  }
}
