package io.github.tieredcache.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyCodecTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "post:42",
        "{user}:42",
        "}{",
        "*",
        "posts:*",
        "two words",
        " leading and trailing ",
        "line\nbreak\r\n",
        "tab\tand\0nul",
        "ünïcødé",
        "日本語のキー",
        "emoji 🙂 outside the BMP"
      })
  void stringKeysRoundTripAsUtf8(String key) {
    KeyCodec<String> codec = KeyCodec.string();

    byte[] encoded = codec.encode(key);

    assertThat(encoded).isEqualTo(key.getBytes(UTF_8));
    assertThat(codec.decode(encoded)).isEqualTo(key);
  }

  @Test
  void unequalStringKeysEncodeDifferently() {
    KeyCodec<String> codec = KeyCodec.string();

    assertThat(codec.encode("a")).isNotEqualTo(codec.encode("A"));
    assertThat(codec.encode("é")).isNotEqualTo(codec.encode("e\u0301"));
    assertThat(codec.encode("")).isNotEqualTo(codec.encode(" "));
  }

  @Test
  void defaultCodecRefusesALongKeyNamingTheKeyCodecSetting() {
    KeyCodec<Object> codec = KeyCodec.string();

    assertThatIllegalArgumentException()
        .isThrownBy(() -> codec.encode(42L))
        .withMessageContaining("keyCodec")
        .withMessageContaining("java.lang.Long");
  }

  @ParameterizedTest
  @ValueSource(longs = {Long.MIN_VALUE, -1, 0, 1, 42, Long.MAX_VALUE})
  void longKeysRoundTripAsDecimalText(long key) {
    KeyCodec<Long> codec = KeyCodec.longs();

    byte[] encoded = codec.encode(key);

    assertThat(new String(encoded, UTF_8)).isEqualTo(Long.toString(key));
    assertThat(codec.decode(encoded)).isEqualTo(key);
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 1, 42, Integer.MAX_VALUE})
  void integerKeysRoundTripAsDecimalText(int key) {
    KeyCodec<Integer> codec = KeyCodec.integers();

    byte[] encoded = codec.encode(key);

    assertThat(new String(encoded, UTF_8)).isEqualTo(Integer.toString(key));
    assertThat(codec.decode(encoded)).isEqualTo(key);
  }

  @Test
  void uuidKeysRoundTripAsCanonicalText() {
    KeyCodec<UUID> codec = KeyCodec.uuids();
    UUID random = UUID.randomUUID();
    UUID nil = new UUID(0, 0);
    UUID max = new UUID(-1, -1);

    for (UUID key : new UUID[] {random, nil, max}) {
      byte[] encoded = codec.encode(key);
      assertThat(new String(encoded, UTF_8)).isEqualTo(key.toString());
      assertThat(codec.decode(encoded)).isEqualTo(key);
    }
  }

  @Test
  void customTextCodecRoundTrips() {
    record OrderId(String shop, long number) {}
    KeyCodec<OrderId> codec =
        KeyCodec.of(
            id -> id.shop() + "/" + id.number(),
            text -> {
              int slash = text.lastIndexOf('/');
              return new OrderId(
                  text.substring(0, slash), Long.parseLong(text.substring(slash + 1)));
            });
    OrderId key = new OrderId("shop/eu", 7);

    assertThat(codec.decode(codec.encode(key))).isEqualTo(key);
  }

  @Test
  void customTextCodecRefusesNullFunctions() {
    assertThatNullPointerException()
        .isThrownBy(() -> KeyCodec.of(null, text -> text))
        .withMessage("toText");
    assertThatNullPointerException()
        .isThrownBy(() -> KeyCodec.<String>of(key -> key, null))
        .withMessage("fromText");
  }

  @Test
  void keysWithAnUnpairedSurrogateAreRefusedRatherThanSharingAnotherKeysBytes() {
    KeyCodec<String> codec = KeyCodec.string();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> codec.encode("a\uD800"))
        .withMessageContaining("key");
    assertThat(codec.encode("a?")).isEqualTo("a?".getBytes(UTF_8));
  }
}
