package io.github.tieredcache.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

  private static final long FRESH_UNTIL = 1_748_779_200_000L;
  private static final long WRITTEN_AT = 1_700_000_000_000L;
  private static final long SERVABLE_UNTIL = FRESH_UNTIL + 30_000;
  private static final byte[] PAYLOAD = "{\"id\":42}".getBytes(UTF_8);

  private static byte[] payloadOf(byte[] copy, Envelope envelope) {
    return Arrays.copyOfRange(
        copy, envelope.payloadOffset(), envelope.payloadOffset() + envelope.payloadLength(copy));
  }

  @Test
  void wrapAndParseRoundTripEveryField() {
    byte[] copy = Envelope.wrap("json", false, WRITTEN_AT, FRESH_UNTIL, SERVABLE_UNTIL, PAYLOAD);

    Envelope envelope = Envelope.parse(copy);

    assertThat(envelope.codecId()).isEqualTo("json");
    assertThat(envelope.absent()).isFalse();
    assertThat(envelope.writtenAt()).isEqualTo(WRITTEN_AT);
    assertThat(envelope.freshUntil()).isEqualTo(FRESH_UNTIL);
    assertThat(envelope.servableUntil()).isEqualTo(SERVABLE_UNTIL);
    assertThat(envelope.payloadOffset()).isEqualTo(4 + "json".length() + 24);
    assertThat(Envelope.writtenAt(copy)).isEqualTo(WRITTEN_AT);
    assertThat(Envelope.freshUntil(copy)).isEqualTo(FRESH_UNTIL);
    assertThat(Envelope.servableUntil(copy)).isEqualTo(SERVABLE_UNTIL);
    assertThat(Envelope.payloadOffset(copy)).isEqualTo(envelope.payloadOffset());
    assertThat(envelope.payloadLength(copy)).isEqualTo(PAYLOAD.length);
    assertThat(payloadOf(copy, envelope)).isEqualTo(PAYLOAD);
  }

  @Test
  void wrapWritesTheDocumentedLayout() {
    byte[] copy = Envelope.wrap("utf8", true, WRITTEN_AT, FRESH_UNTIL, SERVABLE_UNTIL, new byte[0]);

    ByteBuffer buffer = ByteBuffer.wrap(copy);
    assertThat(buffer.get()).isEqualTo(Envelope.MAGIC).isEqualTo((byte) 0x7C);
    assertThat(buffer.get()).isEqualTo(Envelope.VERSION).isEqualTo((byte) 2);
    assertThat(buffer.get()).isEqualTo((byte) 1);
    assertThat(buffer.get()).isEqualTo((byte) 4);
    byte[] id = new byte[4];
    buffer.get(id);
    assertThat(new String(id, UTF_8)).isEqualTo("utf8");
    assertThat(buffer.getLong()).isEqualTo(WRITTEN_AT);
    assertThat(buffer.getLong()).isEqualTo(FRESH_UNTIL);
    assertThat(buffer.getLong()).isEqualTo(SERVABLE_UNTIL);
    assertThat(buffer.hasRemaining()).isFalse();
  }

  @Test
  void readsAVersionOneCopyWrittenByEarlierReleasesWithAnUnknownWriteInstant() {
    ByteBuffer v1 = ByteBuffer.allocate(4 + 4 + 16 + PAYLOAD.length);
    v1.put(Envelope.MAGIC).put((byte) 1).put((byte) 0).put((byte) 4).put("json".getBytes(UTF_8));
    v1.putLong(FRESH_UNTIL).putLong(SERVABLE_UNTIL).put(PAYLOAD);
    byte[] copy = v1.array();

    Envelope envelope = Envelope.parse(copy);

    assertThat(envelope.writtenAt()).isZero();
    assertThat(envelope.freshUntil()).isEqualTo(FRESH_UNTIL);
    assertThat(envelope.servableUntil()).isEqualTo(SERVABLE_UNTIL);
    assertThat(payloadOf(copy, envelope)).isEqualTo(PAYLOAD);
    assertThat(Envelope.isReadable(copy, Envelope.codecIdBytes("json"))).isTrue();
    assertThat(Envelope.freshUntil(copy)).isEqualTo(FRESH_UNTIL);
    assertThat(Envelope.payloadOffset(copy)).isEqualTo(envelope.payloadOffset());
  }

  @Test
  void withInstantsKeepsTheWriteInstantCodecAndPayload() {
    byte[] copy = Envelope.wrap("json", false, WRITTEN_AT, FRESH_UNTIL, SERVABLE_UNTIL, PAYLOAD);

    Envelope moved = Envelope.parse(Envelope.withInstants(copy, 5, 6));

    assertThat(moved.writtenAt()).isEqualTo(WRITTEN_AT);
    assertThat(moved.freshUntil()).isEqualTo(5);
    assertThat(moved.servableUntil()).isEqualTo(6);
    assertThat(moved.codecId()).isEqualTo("json");
  }

  @Test
  void roundTripsAnAbsentCopyWithAnEmptyPayload() {
    byte[] copy = Envelope.wrap("json", true, FRESH_UNTIL, FRESH_UNTIL, new byte[0]);

    Envelope envelope = Envelope.parse(copy);

    assertThat(envelope.absent()).isTrue();
    assertThat(envelope.freshUntil()).isEqualTo(envelope.servableUntil()).isEqualTo(FRESH_UNTIL);
    assertThat(envelope.payloadOffset()).isEqualTo(copy.length);
    assertThat(envelope.payloadLength(copy)).isZero();
  }

  @Test
  void roundTripsTheLongestCodecIdOf255Characters() {
    String id = "c".repeat(255);
    byte[] copy = Envelope.wrap(id, false, 1, 2, PAYLOAD);

    Envelope envelope = Envelope.parse(copy);

    assertThat(envelope.codecId()).isEqualTo(id);
    assertThat(envelope.payloadOffset()).isEqualTo(4 + 255 + 24);
    assertThat(payloadOf(copy, envelope)).isEqualTo(PAYLOAD);
  }

  @Test
  void roundTripsExtremeInstants() {
    Envelope envelope =
        Envelope.parse(Envelope.wrap("json", false, Long.MIN_VALUE, Long.MAX_VALUE, PAYLOAD));

    assertThat(envelope.freshUntil()).isEqualTo(Long.MIN_VALUE);
    assertThat(envelope.servableUntil()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void parseRefusesBadMagic() {
    byte[] copy = Envelope.wrap("json", false, FRESH_UNTIL, SERVABLE_UNTIL, PAYLOAD);
    copy[0] = '{';

    assertThatIllegalArgumentException()
        .isThrownBy(() -> Envelope.parse(copy))
        .withMessageContaining("magic");
  }

  @Test
  void parseRefusesPlainJsonWrittenWithoutAnEnvelope() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Envelope.parse(PAYLOAD))
        .withMessageContaining("magic");
  }

  @Test
  void parseRefusesAnUnknownVersion() {
    byte[] copy = Envelope.wrap("json", false, FRESH_UNTIL, SERVABLE_UNTIL, PAYLOAD);
    copy[1] = 3;

    assertThatIllegalArgumentException()
        .isThrownBy(() -> Envelope.parse(copy))
        .withMessageContaining("version 3");
  }

  @Test
  void parseRefusesInputShorterThanTheFixedHeader() {
    assertThatIllegalArgumentException().isThrownBy(() -> Envelope.parse(new byte[0]));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Envelope.parse(new byte[] {Envelope.MAGIC, Envelope.VERSION, 0}));
  }

  @Test
  void parseRefusesInputCutOffInsideTheInstants() {
    byte[] copy = Envelope.wrap("json", false, FRESH_UNTIL, SERVABLE_UNTIL, new byte[0]);

    for (int length = 4; length < copy.length; length++) {
      byte[] truncated = Arrays.copyOf(copy, length);
      assertThatIllegalArgumentException()
          .as("cut to %d bytes", length)
          .isThrownBy(() -> Envelope.parse(truncated))
          .withMessageContaining("truncated");
    }
  }

  @Test
  void parseRefusesAnEmptyCodecId() {
    byte[] copy = Envelope.wrap("j", false, FRESH_UNTIL, SERVABLE_UNTIL, PAYLOAD);
    copy[3] = 0;

    assertThatIllegalArgumentException().isThrownBy(() -> Envelope.parse(copy));
  }

  @Test
  void parseRefusesServableUntilBeforeFreshUntil() {
    byte[] copy = Envelope.wrap("json", false, FRESH_UNTIL, FRESH_UNTIL, PAYLOAD);
    ByteBuffer.wrap(copy).putLong(4 + 4 + 16, FRESH_UNTIL - 1);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> Envelope.parse(copy))
        .withMessageContaining("servable-until");
  }

  @Test
  void parseRefusesNullNamingTheArgument() {
    assertThatNullPointerException().isThrownBy(() -> Envelope.parse(null)).withMessage("copy");
  }

  @Test
  void wrapRefusesAnEmptyCodecId() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Envelope.wrap("", false, 1, 2, PAYLOAD))
        .withMessageContaining("codecId");
  }

  @Test
  void wrapRefusesACodecIdLongerThan255Characters() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Envelope.wrap("c".repeat(256), false, 1, 2, PAYLOAD))
        .withMessageContaining("codecId");
  }

  @Test
  void wrapRefusesServableUntilBeforeFreshUntil() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Envelope.wrap("json", false, 2, 1, PAYLOAD))
        .withMessageContaining("servableUntil");
  }
}
