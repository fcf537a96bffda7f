package io.github.tieredcache.redis;

import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spi.TierStoreContract;
import java.time.Duration;

/** The TierStore contract, on the shared local Redis Cluster (3 primaries, 3 replicas). */
class RedisTierStoreClusterIT extends TierStoreContract {

  @Override
  protected TierStore createStore() {
    return TestRedis.onSharedCluster().build();
  }

  @Override
  protected void elapse(Duration duration) {
    // Real time: the contract then waits for expiry with Awaitility.
  }
}
