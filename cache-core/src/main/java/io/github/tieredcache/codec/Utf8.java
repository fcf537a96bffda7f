package io.github.tieredcache.codec;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 for the codecs: unpaired surrogates and malformed bytes are refused rather than
 * turned into {@code ?} or U+FFFD, so two different strings never share bytes and a corrupted copy
 * is a decode error.
 */
final class Utf8 {

  private Utf8() {}

  /**
   * Encodes {@code text}.
   *
   * @param what names the argument in the exception
   * @throws IllegalArgumentException if the text has an unpaired surrogate
   */
  static byte[] encode(String text, String what) {
    if (!hasSurrogate(text)) {
      return text.getBytes(StandardCharsets.UTF_8); // exact: only surrogates can be mis-encoded
    }
    try {
      ByteBuffer bytes =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(text));
      byte[] out = new byte[bytes.remaining()];
      bytes.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(what + ": not valid Unicode text (unpaired surrogate)", e);
    }
  }

  private static boolean hasSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (Character.isSurrogate(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Decodes {@code length} bytes from {@code offset}.
   *
   * @throws IllegalArgumentException if the bytes are not UTF-8
   */
  static String decode(byte[] bytes, int offset, int length) {
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
