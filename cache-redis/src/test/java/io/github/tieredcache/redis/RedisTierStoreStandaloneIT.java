package io.github.tieredcache.redis;

import io.github.tieredcache.redis.testkit.LocalRedisServer;
import io.github.tieredcache.spi.TierStore;
import io.github.tieredcache.spi.TierStoreContract;
import java.time.Duration;

/** The TierStore contract, on the shared local standalone Redis. */
class RedisTierStoreStandaloneIT extends TierStoreContract {

  @Override
  protected TierStore createStore() {
    return RedisTierStore.standalone(LocalRedisServer.shared().uri())
        .clientResources(TestRedis.RESOURCES)
        .build();
  }

  @Override
  protected void elapse(Duration duration) {
    // Real time: the contract then waits for expiry with Awaitility.
  }
}
