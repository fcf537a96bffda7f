package io.github.tieredcache.spring.boot.autoconfigure;

import io.github.tieredcache.spring.boot.autoconfigure.TieredCacheProperties.RedisConnection;
import io.lettuce.core.resource.ClientResources;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.util.ClassUtils;

/**
 * Boot's own Redis connection model, when the application has Boot's Redis module: the {@link
 * DataRedisConnectionDetails} bean (from {@code @ServiceConnection}, Docker Compose support, or
 * Boot's {@code spring.data.redis.*}) and the {@link ClientResourcesBuilderCustomizer}s. The only
 * class of the starter that names them; loaded only when they are on the class path.
 */
final class BootRedisConnection {

  static final String DETAILS =
      "org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails";

  /** Boot's details made from {@code spring.data.redis.*}, which always exist with that module. */
  private static final String PROPERTIES_DETAILS =
      "org.springframework.boot.data.redis.autoconfigure.PropertiesDataRedisConnectionDetails";

  private BootRedisConnection() {}

  /**
   * Returns whether Boot's Redis module is on the class path; callers ask before they use any other
   * method, so this class's references to the module are never resolved without it.
   */
  static boolean isPresent(@Nullable ClassLoader classLoader) {
    return ClassUtils.isPresent(DETAILS, classLoader);
  }

  /**
   * Returns whether the context defines connection details other than Boot's from {@code
   * spring.data.redis.*} (whose settings the property check sees): a {@code @ServiceConnection}, a
   * Docker Compose service, or the application's own bean.
   */
  static boolean hasOtherDetails(ConfigurableListableBeanFactory beanFactory) {
    for (String name :
        beanFactory.getBeanNamesForType(DataRedisConnectionDetails.class, true, false)) {
      Class<?> type = beanFactory.getType(name, false);
      if (type == null || !type.getName().equals(PROPERTIES_DETAILS)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns the connection that {@code details} gives, as the starter's own settings, or {@code
   * null} without details.
   *
   * @throws IllegalStateException for Sentinel or master/replica details, which the Redis store
   *     does not connect to
   */
  static @Nullable RedisConnection connection(BeanFactory beanFactory) {
    DataRedisConnectionDetails details =
        beanFactory.getBeanProvider(DataRedisConnectionDetails.class).getIfAvailable();
    if (details == null) {
      return null;
    }
    if (details.getSentinel() != null || details.getMasterReplica() != null) {
      throw new IllegalStateException(
          "tiered-cache: the Redis connection details ("
              + details.getClass().getName()
              + ") name Redis Sentinel or master/replica servers; tiered-cache connects to a"
              + " cluster or one server: set tiered-cache.redis.cluster.nodes or"
              + " tiered-cache.redis.host");
    }
    RedisConnection connection = new RedisConnection();
    DataRedisConnectionDetails.Cluster cluster = details.getCluster();
    if (cluster != null) {
      List<String> nodes =
          cluster.getNodes().stream().map(n -> hostAndPort(n.host(), n.port())).toList();
      connection.getCluster().setNodes(nodes);
    } else {
      DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
      if (standalone == null) {
        return null;
      }
      connection.setHost(standalone.getHost());
      connection.setPort(standalone.getPort());
      connection.setDatabase(standalone.getDatabase());
    }
    connection.setUsername(details.getUsername());
    connection.setPassword(details.getPassword());
    if (details.getSslBundle() != null) {
      connection.getSsl().setEnabled(Boolean.TRUE);
    }
    return connection;
  }

  private static String hostAndPort(String host, int port) {
    return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  /** Applies the application's {@link ClientResourcesBuilderCustomizer}s, in order. */
  static void customize(BeanFactory beanFactory, ClientResources.Builder builder) {
    beanFactory
        .getBeanProvider(ClientResourcesBuilderCustomizer.class)
        .orderedStream()
        .forEach(customizer -> customizer.customize(builder));
  }
}
