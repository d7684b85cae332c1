/**
 * Contracts between the Backbone Sync engine and what it runs on: issue trackers, field mappings,
 * stores and transports, plus the value types that cross them. No engine code lives here. This
 * package holds the root exceptions ({@link org.backbonesync.spi.SyncException}, {@link
 * org.backbonesync.spi.RetriableException}); the ports are in its subpackages.
 *
 * <p>May use the JDK only. The subpackages may use this one, each other as their package
 * documentation says, and Jackson (values are JSON); nothing of the engine.
 */
package org.backbonesync.spi;
