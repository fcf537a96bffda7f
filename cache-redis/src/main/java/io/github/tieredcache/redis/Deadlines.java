package io.github.tieredcache.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deadline every write of a copy carries (see {@link Script}), and the answer to one that
 * reached Redis after it.
 *
 * <p>Thread-safe.
 */
final class Deadlines {

  private static final Logger log = LoggerFactory.getLogger(Deadlines.class);

  private final RedisTierStoreOptions options;
  private final long millis;
  private final AtomicBoolean warned = new AtomicBoolean();

  Deadlines(RedisTierStoreOptions options) {
    this.options = options;
    this.millis = options.commandTimeout().toMillis() + options.clockSkewAllowance().toMillis();
  }

  /**
   * Returns a new write's deadline, as the script takes it: now, plus the command timeout after
   * which its caller is told it failed, plus the clock skew allowed between this host and Redis.
   */
  byte[] next() {
    return RedisTierStore.number(System.currentTimeMillis() + millis);
  }

  /** The answer to a write that reached Redis after its deadline; warns once per store. */
  <T> CompletableFuture<T> late() {
    if (warned.compareAndSet(false, true)) {
      log.warn(
          "A write reached Redis after its deadline and was refused there (logged once). Either"
              + " Redis was unavailable longer than the command timeout ({}), or this host's clock"
              + " is behind Redis's by more than clockSkewAllowance ({}): check NTP.",
          options.commandTimeout(),
          options.clockSkewAllowance());
    }
    return CompletableFuture.failedFuture(
        new LateWriteException(
            "the write reached Redis after its deadline and was refused; nothing was changed"));
  }
}
