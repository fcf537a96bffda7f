package io.github.tieredcache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.FakeTicker;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spi.TierStoreContract;
import io.github.tieredcache.spi.Write;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryTierStoreTest extends TierStoreContract {

  private final FakeTicker ticker = new FakeTicker();

  @Override
  protected TierStore createStore() {
    return new InMemoryTierStore(ticker);
  }

  @Override
  protected void elapse(Duration duration) {
    ticker.advance(duration);
  }

  @Test
  void expiredRecordsOfKeysNeverTouchedAgainAreSweptAway() {
    InMemoryTierStore memory = (InMemoryTierStore) store;
    Namespace ns = Namespace.of("sweep", List.of("hot"));
    for (int i = 0; i < 5000; i++) {
      byte[] key = ("k" + i).getBytes(StandardCharsets.UTF_8);
      memory.writeIfGeneration(ns, new Write(key, 0, key, Duration.ofSeconds(1), 0)).join();
    }
    ticker.advance(Duration.ofSeconds(2));
    for (int i = 0; i < 5000; i++) {
      byte[] key = ("other" + i).getBytes(StandardCharsets.UTF_8);
      memory.writeIfGeneration(ns, new Write(key, 0, key, Duration.ofHours(1), 0)).join();
    }
    assertThat(memory.records(ns)).isLessThan(10_000).isGreaterThanOrEqualTo(5000);
  }

  @Test
  void storedBytesCountsEveryLiveCopyAndRetainedGenerationWithItsKey() {
    InMemoryTierStore memory = (InMemoryTierStore) store;
    Namespace ns = new Namespace("bytes", List.of("hot", "cold"), Duration.ofMinutes(5));
    byte[] key = "key".getBytes(StandardCharsets.UTF_8); // 3 bytes
    memory.writeIfGeneration(ns, new Write(key, 1, new byte[100], Duration.ofHours(1), 0)).join();
    memory.promote(ns, new Write(key, 0, new byte[40], Duration.ofSeconds(10), 0)).join();
    assertThat(memory.storedBytes(ns)).isEqualTo(3 + 100 + 3 + 40);
    assertThat(memory.storedBytesByTier(ns)).containsExactly(3 + 40, 3 + 100, 0);

    ticker.advance(Duration.ofSeconds(11)); // the hot copy expired
    assertThat(memory.storedBytes(ns)).isEqualTo(3 + 100);

    memory.remove(ns, key).join(); // copies gone, a generation retained
    assertThat(memory.storedBytes(ns)).isEqualTo(3 + Long.BYTES);
    assertThat(memory.storedBytesByTier(ns)).containsExactly(0, 0, 3 + Long.BYTES);

    ticker.advance(Duration.ofMinutes(6));
    assertThat(memory.storedBytes(ns)).isZero();
  }
}
