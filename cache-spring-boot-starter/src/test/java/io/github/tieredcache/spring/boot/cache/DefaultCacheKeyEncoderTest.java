package io.github.tieredcache.spring.boot.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.cache.interceptor.SimpleKey;

class DefaultCacheKeyEncoderTest {

  private final DefaultCacheKeyEncoder encoder = DefaultCacheKeyEncoder.INSTANCE;

  @Test
  void simpleKeysUseTheirText() {
    assertThat(encoder.encode("post:1")).isEqualTo("post:1");
    assertThat(encoder.encode(42L)).isEqualTo("42");
    assertThat(encoder.encode(true)).isEqualTo("true");
    assertThat(encoder.encode(TimeUnit.SECONDS)).isEqualTo("SECONDS");
    assertThat(encoder.encode(LocalDate.of(2025, 1, 2))).isEqualTo("2025-01-02");
    UUID id = UUID.randomUUID();
    assertThat(encoder.encode(id)).isEqualTo(id.toString());
  }

  @Test
  void simpleKeyIsBracketedAndStable() {
    assertThat(encoder.encode(SimpleKey.EMPTY)).isEqualTo("[]");
    assertThat(encoder.encode(new SimpleKey("a", 1, null))).isEqualTo("[a,1,\\0]");
    assertThat(encoder.encode(new SimpleKey("a", 1)))
        .isEqualTo(encoder.encode(new SimpleKey("a", 1)));
  }

  @Test
  void separatorsInsideElementsAreEscapedSoDifferentKeysStayDifferent() {
    String joined = encoder.encode(new SimpleKey("a,b"));
    String split = encoder.encode(new SimpleKey("a", "b"));

    assertThat(joined).isEqualTo("[a\\,b]");
    assertThat(split).isEqualTo("[a,b]");
    assertThat(encoder.encode(new SimpleKey("[x]", "\\"))).isEqualTo("[\\[x\\],\\\\]");
  }

  @Test
  void nestedArraysAndListsAreEncodedElementByElement() {
    assertThat(encoder.encode(new SimpleKey(new int[] {1, 2}, List.of("x", "y"))))
        .isEqualTo("[[1,2],[x,y]]");
    assertThat(encoder.encode(new String[] {"a", "b"})).isEqualTo("[a,b]");
  }

  @Test
  void recordsUseTheirToString() {
    record Id(String tenant, long id) {}
    assertThat(encoder.encode(new Id("t", 7))).isEqualTo("Id[tenant=t, id=7]");
  }

  @Test
  void objectsWithoutAToStringAreRefused() {
    Object opaque = new Object();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> encoder.encode(opaque))
        .withMessageContaining("java.lang.Object")
        .withMessageContaining("CacheKeyEncoder");
  }
}
