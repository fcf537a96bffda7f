package io.github.tieredcache.spring.boot.store;

import io.github.tieredcache.spi.TierStore;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * The tier stores of an application, by name; {@value #DEFAULT} is the store of caches and tiers
 * that name none. Closing this closes every store, once no cache uses them.
 *
 * <p>Immutable and thread-safe.
 */
public final class TierStores implements DisposableBean {

  /** The name of the store used when none is named. */
  public static final String DEFAULT = "default";

  private static final Logger log = LoggerFactory.getLogger(TierStores.class);

  private final Map<String, NamedTierStore> stores;
  private final List<AutoCloseable> resources;

  /**
   * Creates the set.
   *
   * @param stores the stores; one must be called {@value #DEFAULT}
   * @param resources closed after the stores, in order (clients the stores were built on)
   */
  public TierStores(Collection<NamedTierStore> stores, List<? extends AutoCloseable> resources) {
    Map<String, NamedTierStore> byName = new LinkedHashMap<>();
    for (NamedTierStore store : stores) {
      if (byName.putIfAbsent(store.name(), store) != null) {
        throw new IllegalArgumentException("two tier stores are called '" + store.name() + "'");
      }
    }
    if (!byName.containsKey(DEFAULT)) {
      throw new IllegalArgumentException("no tier store is called '" + DEFAULT + "'");
    }
    this.stores = Map.copyOf(byName);
    this.resources = List.copyOf(resources);
  }

  /** Creates the set from stores alone. */
  public TierStores(Collection<NamedTierStore> stores) {
    this(stores, List.of());
  }

  /**
   * Returns the store called {@code name}.
   *
   * @throws IllegalArgumentException if there is none
   */
  public NamedTierStore get(String name) {
    NamedTierStore store = stores.get(Objects.requireNonNull(name, "name"));
    if (store == null) {
      throw new IllegalArgumentException(
          "no tier store is called '" + name + "'; configured: " + stores.keySet());
    }
    return store;
  }

  /** Returns the {@value #DEFAULT} store. */
  public NamedTierStore defaultStore() {
    return get(DEFAULT);
  }

  /** Returns every store, the default first. */
  public List<NamedTierStore> all() {
    return stores.values().stream()
        .sorted(
            (a, b) ->
                a.name().equals(DEFAULT)
                    ? -1
                    : b.name().equals(DEFAULT) ? 1 : a.name().compareTo(b.name()))
        .toList();
  }

  /** Returns the name of {@code store}, if it is one of these. */
  public Optional<String> nameOf(TierStore store) {
    return stores.values().stream()
        .filter(s -> s.store() == store)
        .map(NamedTierStore::name)
        .findFirst();
  }

  @Override
  public void destroy() {
    for (NamedTierStore store : stores.values()) {
      try {
        store.store().close();
      } catch (RuntimeException e) {
        log.warn("Could not close tier store '{}'", store.name(), e);
      }
    }
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("Could not close {}", resource, e);
      }
    }
  }
}
