/**
 * How messages travel between two connectors: the sending and the receiving side.
 *
 * <p>May use the SPI's root package and the message ({@code spi.message}).
 */
package org.backbonesync.spi.transport;
