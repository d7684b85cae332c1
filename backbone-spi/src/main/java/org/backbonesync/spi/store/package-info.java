/**
 * Store ports: sync information, the outbox and inbox, watermarks, and the transaction boundary
 * that makes one engine step commit all its writes or none.
 */
package org.backbonesync.spi.store;
