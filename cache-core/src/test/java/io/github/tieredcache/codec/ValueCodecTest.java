package io.github.tieredcache.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValueCodecTest {

  private final ValueCodec<String> codec = ValueCodec.utf8();

  @ParameterizedTest
  @ValueSource(strings = {"", "plain ascii", "ünïcødé", "日本語", "emoji 🙂", "line\nbreak\0nul"})
  void utf8RoundTripsStrings(String value) {
    byte[] encoded = codec.encode(value);

    assertThat(encoded).isEqualTo(value.getBytes(UTF_8));
    assertThat(codec.decode(encoded, 0, encoded.length)).isEqualTo(value);
  }

  @Test
  void utf8DecodesOnlyTheGivenSliceOfTheBytes() {
    byte[] framed = "##ünï##".getBytes(UTF_8);

    assertThat(codec.decode(framed, 2, "ünï".getBytes(UTF_8).length)).isEqualTo("ünï");
  }

  @Test
  void utf8HasTheIdUtf8() {
    assertThat(codec.id()).isEqualTo("utf8");
  }

  @Test
  void utf8RefusesALoneContinuationByte() {
    assertRefused(new byte[] {'a', (byte) 0x80, 'b'});
  }

  @Test
  void utf8RefusesAnInvalidSecondByte() {
    assertRefused(new byte[] {(byte) 0xC3, 0x28});
  }

  @Test
  void utf8RefusesAnOverlongEncoding() {
    assertRefused(new byte[] {(byte) 0xC0, (byte) 0xAF});
  }

  @Test
  void utf8RefusesASequenceCutShort() {
    assertRefused(new byte[] {'x', (byte) 0xE2, (byte) 0x82});
  }

  @Test
  void utf8RefusesAnEncodedSurrogate() {
    assertRefused(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
  }

  @Test
  void utf8RefusesBytesThatAreNotUtf8AtAll() {
    assertRefused(new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xFD});
  }

  private void assertRefused(byte[] bytes) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> codec.decode(bytes, 0, bytes.length))
        .withMessageContaining("UTF-8");
  }
}
