package io.github.tieredcache.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strings as strict UTF-8: malformed bytes fail to decode rather than turning into U+FFFD. */
enum StringValueCodec implements ValueCodec<String> {
  INSTANCE;

  @Override
  public String id() {
    return "utf8";
  }

  @Override
  public byte[] encode(String value) {
    try {
      ByteBuffer bytes =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(java.nio.CharBuffer.wrap(value));
      byte[] out = new byte[bytes.remaining()];
      bytes.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("value: not valid Unicode text (unpaired surrogate)", e);
    }
  }

  @Override
  public String decode(byte[] bytes, int offset, int length) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, offset, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("bytes are not UTF-8", e);
    }
  }
}
