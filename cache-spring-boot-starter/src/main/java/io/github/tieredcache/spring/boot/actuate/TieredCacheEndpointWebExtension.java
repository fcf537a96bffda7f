package io.github.tieredcache.spring.boot.actuate;

import io.github.tieredcache.spring.boot.actuate.TieredCacheEndpoint.ClearDescriptor;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The web side of {@link TieredCacheEndpoint}: {@code DELETE /actuator/tieredcache/{name}} of a
 * cache that does not exist answers 404, as {@code GET} does (an operation that returns nothing
 * would answer 204), and otherwise 200 with the {@link ClearDescriptor}.
 */
@EndpointWebExtension(endpoint = TieredCacheEndpoint.class)
public class TieredCacheEndpointWebExtension {

  private final TieredCacheEndpoint endpoint;

  /** Creates the extension of {@code endpoint}. */
  public TieredCacheEndpointWebExtension(TieredCacheEndpoint endpoint) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
  }

  /** Clears the cache called {@code name}; see {@link TieredCacheEndpoint#clear}. */
  @DeleteOperation
  public WebEndpointResponse<ClearDescriptor> clear(@Selector String name) {
    ClearDescriptor cleared = endpoint.clear(name);
    return cleared == null
        ? new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND)
        : new WebEndpointResponse<>(cleared, WebEndpointResponse.STATUS_OK);
  }
}
