package io.github.tieredcache.codec;

/** Strings as strict UTF-8: malformed bytes fail to decode rather than turning into U+FFFD. */
enum StringValueCodec implements ValueCodec<String> {
  INSTANCE;

  @Override
  public String id() {
    return "utf8";
  }

  @Override
  public byte[] encode(String value) {
    return Utf8.encode(value, "value");
  }

  @Override
  public String decode(byte[] bytes, int offset, int length) {
    return Utf8.decode(bytes, offset, length);
  }
}
