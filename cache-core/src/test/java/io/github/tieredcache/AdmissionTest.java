package io.github.tieredcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.github.tieredcache.codec.ValueCodec;
import io.github.tieredcache.memory.InMemoryTierStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A tier that admits on the second request takes no copy of a key loaded once, and takes it when
 * the key is loaded again; the refusals and the sketch's memory are counted. (How old requests fade
 * is {@code FrequencySketchTest}'s.)
 */
class AdmissionTest {

  private final InMemoryTierStore memory = new InMemoryTierStore();
  private final AtomicInteger loads = new AtomicInteger();

  @AfterEach
  void close() {
    memory.close();
  }

  private TieredCache<String, String> cache(Admission admission) {
    return TieredCache.<String, String>builder()
        .name("posts")
        .store(memory)
        .tiers(Tiers.of(Tier.named("cold").admission(admission)))
        .valueCodec(ValueCodec.utf8())
        .loader(
            key -> {
              loads.incrementAndGet();
              return "v-" + key;
            })
        .executor(Runnable::run)
        .build();
  }

  @Test
  void aKeyLoadedOnceGetsNoRemoteCopyAndItsSecondLoadWritesOne() {
    try (TieredCache<String, String> cache = cache(Admission.onSecondRequest(1_000))) {
      assertThat(cache.get("k")).isEqualTo("v-k");
      cache.local().invalidate("k"); // as on another instance: only the remote tiers count
      assertThat(cache.get("k")).isEqualTo("v-k");
      assertThat(loads).as("no copy after the first load: loaded again").hasValue(2);

      cache.local().invalidate("k");
      assertThat(cache.get("k")).isEqualTo("v-k");
      assertThat(loads).as("the second load wrote the copy: a remote hit").hasValue(2);
      assertThat(cache.stats().tier("cold").orElseThrow().hits()).isEqualTo(1);
      assertThat(cache.stats().admissionsRefused()).isEqualTo(1);
      assertThat(cache.stats().puts()).isEqualTo(1);
      assertThat(cache.stats().admissionSketchBytes()).isEqualTo(2 * 1_024);
    }
  }

  @Test
  void aBulkLoadWritesOnlyTheKeysAskedForBefore() {
    try (TieredCache<String, String> cache = cache(Admission.onSecondRequest(1_000))) {
      cache.get("seen");
      cache.local().invalidate("seen");

      cache.getAll(List.of("seen", "new"));

      assertThat(cache.stats().admissionsRefused()).as("the first 'seen' and 'new'").isEqualTo(2);
      assertThat(cache.stats().puts()).as("the second 'seen'").isEqualTo(1);
    }
  }

  @Test
  void everyKeyIsTheDefaultAndKeepsNoSketch() {
    assertThat(Tier.named("cold").admission()).isEqualTo(Admission.everyKey());
    try (TieredCache<String, String> cache = cache(Admission.everyKey())) {
      cache.get("k");
      cache.local().invalidate("k");
      cache.get("k");
      assertThat(loads).hasValue(1);
      assertThat(cache.stats().admissionsRefused()).isZero();
      assertThat(cache.stats().admissionSketchBytes()).isZero();
    }
  }

  @Test
  void badSizesAreRefusedNamingTheArgument() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Admission.onSecondRequest(0))
        .withMessageContaining("expectedKeys");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Admission.onSecondRequest((1L << 24) + 1))
        .withMessageContaining("expectedKeys");
  }
}
