/** Actuator support: the {@code tieredcache} endpoint and a health indicator per tier store. */
@NullMarked
package io.github.tieredcache.spring.boot.actuate;

import org.jspecify.annotations.NullMarked;
