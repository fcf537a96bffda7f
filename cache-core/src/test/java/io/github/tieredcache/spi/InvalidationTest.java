package io.github.tieredcache.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InvalidationTest {

  private static final String ORIGIN = "0b6c3a2e-instance-ü";

  @Test
  void aKeyMessageRoundTrips() {
    Invalidation message = Invalidation.ofKey(ORIGIN, "post:{42}".getBytes(UTF_8));

    Invalidation decoded = Invalidation.decode(message.encode());

    assertThat(decoded).isEqualTo(message).hasSameHashCodeAs(message);
    assertThat(decoded.origin()).isEqualTo(ORIGIN);
    assertThat(decoded.key()).isEqualTo("post:{42}".getBytes(UTF_8));
    assertThat(decoded.isAll()).isFalse();
  }

  @Test
  void anAllMessageRoundTrips() {
    Invalidation message = Invalidation.ofAll(ORIGIN);

    Invalidation decoded = Invalidation.decode(message.encode());

    assertThat(decoded).isEqualTo(message);
    assertThat(decoded.isAll()).isTrue();
    assertThat(decoded.key()).isNull();
  }

  @Test
  void anEmptyKeyIsAKeyAndNotEveryKey() {
    Invalidation decoded = Invalidation.decode(Invalidation.ofKey(ORIGIN, new byte[0]).encode());

    assertThat(decoded.isAll()).isFalse();
    assertThat(decoded.key()).isEmpty();
    assertThat(decoded).isNotEqualTo(Invalidation.ofAll(ORIGIN));
  }

  @Test
  void messagesAreEqualByKeyContentNotArrayIdentity() {
    assertThat(Invalidation.ofKey("a", new byte[] {1, 2}))
        .isEqualTo(Invalidation.ofKey("a", new byte[] {1, 2}))
        .isNotEqualTo(Invalidation.ofKey("a", new byte[] {1, 3}))
        .isNotEqualTo(Invalidation.ofKey("b", new byte[] {1, 2}));
  }

  @Test
  void refusesANullOriginOrKey() {
    assertThatNullPointerException()
        .isThrownBy(() -> Invalidation.ofAll(null))
        .withMessage("origin");
    assertThatNullPointerException()
        .isThrownBy(() -> Invalidation.ofKey("a", null))
        .withMessage("key");
  }

  @Test
  void decodeRefusesNoBytes() {
    assertThatIllegalArgumentException().isThrownBy(() -> Invalidation.decode(new byte[0]));
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbage", "{\"key\":\"x\"}", "\u0001", "\u0001\u0000\u0000"})
  void decodeRefusesGarbage(String garbage) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Invalidation.decode(garbage.getBytes(UTF_8)));
  }

  @Test
  void decodeRefusesAnUnknownVersion() {
    byte[] bytes = Invalidation.ofAll(ORIGIN).encode();
    bytes[0] = 3;

    assertThatIllegalArgumentException()
        .isThrownBy(() -> Invalidation.decode(bytes))
        .withMessageContaining("version");
  }

  @Test
  void decodeRefusesAMessageCutShort() {
    byte[] whole = Invalidation.ofKey(ORIGIN, new byte[] {1, 2, 3}).encode();

    for (int length = 0; length < whole.length; length++) {
      byte[] truncated = Arrays.copyOf(whole, length);
      assertThatIllegalArgumentException()
          .as("cut to %d bytes", length)
          .isThrownBy(() -> Invalidation.decode(truncated));
    }
  }

  @Test
  void decodeRefusesTrailingBytes() {
    byte[] whole = Invalidation.ofAll(ORIGIN).encode();
    byte[] longer = Arrays.copyOf(whole, whole.length + 1);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> Invalidation.decode(longer))
        .withMessageContaining("trailing");
  }

  @Test
  void decodeRefusesANegativeOriginLength() {
    byte[] bytes = ByteBuffer.allocate(9).put((byte) 1).putInt(-5).putInt(-1).array();

    assertThatIllegalArgumentException().isThrownBy(() -> Invalidation.decode(bytes));
  }

  @Test
  void decodeRefusesAKeyLengthBeyondTheMessage() {
    byte[] bytes =
        ByteBuffer.allocate(10).put((byte) 1).putInt(0).putInt(100).put((byte) 7).array();

    assertThatIllegalArgumentException().isThrownBy(() -> Invalidation.decode(bytes));
  }

  @Test
  void decodeRefusesALengthLargerThanTheMessageWithoutAllocatingIt() {
    byte[] hostile = {1, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0};
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Invalidation.decode(hostile))
        .withMessageContaining("length");
  }

  @Test
  void decodeRefusesANegativeKeyLengthOtherThanTheAllMarker() {
    byte[] origin = "o".getBytes(UTF_8);
    ByteBuffer buffer = ByteBuffer.allocate(1 + 4 + origin.length + 4);
    buffer.put((byte) 1).putInt(origin.length).put(origin).putInt(-7);
    assertThatIllegalArgumentException().isThrownBy(() -> Invalidation.decode(buffer.array()));
  }
}
