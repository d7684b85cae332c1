/**
 * The issue synchronization message that travels between two connectors, and its JSON codec.
 *
 * <p>May use the SPI's root package and Jackson.
 */
package org.backbonesync.spi.message;
