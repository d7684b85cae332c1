/**
 * Compatibility kits: abstract JUnit 5 tests that every implementation of a port extends to show
 * it behaves as the engine needs.
 *
 * <p>May use the SPI's ports and values, Jackson and JUnit 5; never the engine, so that a store or
 * tracker is judged by its contract alone.
 */
package org.backbonesync.testkit.kit;
