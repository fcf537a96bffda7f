package io.github.tieredcache.memory;

import io.github.tieredcache.FakeTicker;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spi.TierStoreContract;
import java.time.Duration;

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
}
