package io.github.tieredcache.redis;

import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Names why a connection could not be made, so a wrong password or a TLS mismatch is reported as
 * what it is and not as a network problem: Lettuce reports both as a {@code
 * RedisConnectionException} ("Unable to connect") around the server's reply or the TLS failure.
 */
final class ConnectFailures {

  private ConnectFailures() {}

  /**
   * Returns {@code error} as the caller should see it: a {@link RedisAuthenticationException} when
   * the server refused the credentials, a {@link RedisTlsException} when the TLS handshake failed,
   * else {@code error} itself.
   */
  static Throwable explain(Throwable error, @Nullable String username) {
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null
          && (message.startsWith("WRONGPASS")
              || message.startsWith("NOAUTH")
              || message.contains("invalid password")
              || message.contains("invalid username-password"))) {
        return new RedisAuthenticationException(
            "Redis refused the credentials"
                + (username == null ? "" : " of user '" + username + "'")
                + " (authentication failed: "
                + message
                + "); check the username and password (RedisTierStoreOptions.Builder.credentials,"
                + " tiered-cache.redis.username/password or spring.data.redis.*)",
            e);
      }
      if (t instanceof SSLException
          || t.getClass().getSimpleName().equals("NotSslRecordException")) {
        return new RedisTlsException(
            "The TLS handshake with Redis failed ("
                + t
                + "); check that TLS is enabled on both"
                + " sides and that the server's certificate is trusted",
            e);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return e;
  }
}
