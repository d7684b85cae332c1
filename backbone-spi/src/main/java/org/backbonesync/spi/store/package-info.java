/**
 * Store ports: sync information, the outbox and inbox, watermarks, and the transaction boundary
 * that makes one engine step commit all its writes or none.
 *
 * <p>May use the SPI's root package, the message ({@code spi.message}: the outbox and inbox hold
 * messages) and Jackson.
 */
package org.backbonesync.spi.store;
