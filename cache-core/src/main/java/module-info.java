/**
 * tiered-cache's core: the API ({@code io.github.tieredcache}), the store SPI, codecs, stats, the
 * in-memory store and the resilience decorator. The implementation ({@code
 * io.github.tieredcache.internal}) is not exported.
 */
module io.github.tieredcache.core {
  requires transitive com.github.benmanes.caffeine;
  requires transitive micrometer.core;
  requires transitive io.github.resilience4j.circuitbreaker;
  requires io.github.resilience4j.core;
  requires transitive com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires org.slf4j;
  requires static transitive org.jspecify;

  exports io.github.tieredcache;
  exports io.github.tieredcache.codec;
  exports io.github.tieredcache.memory;
  exports io.github.tieredcache.resilience;
  exports io.github.tieredcache.spi;
  exports io.github.tieredcache.stats;
}
