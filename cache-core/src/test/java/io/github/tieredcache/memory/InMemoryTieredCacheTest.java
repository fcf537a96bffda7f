package io.github.tieredcache.memory;

import io.github.tieredcache.TieredCacheContract;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.TierStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Every behaviour of the cache, on the in-memory store, through both APIs. */
class InMemoryTieredCacheTest extends TieredCacheContract {

  @Override
  protected TierStore createStore() {
    return new InMemoryTierStore(ticker);
  }

  @Override
  protected void plant(Namespace namespace, String key, int tier, byte[] bytes) {
    ((InMemoryTierStore) store)
        .overwriteRaw(
            namespace, key.getBytes(StandardCharsets.UTF_8), tier, bytes, Duration.ofHours(1));
  }
}
