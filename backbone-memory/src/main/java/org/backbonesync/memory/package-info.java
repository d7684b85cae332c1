/**
 * Stores in memory for a single process: {@link org.backbonesync.memory.InMemoryStores} implements
 * every store port of {@link org.backbonesync.spi.store.Stores}, with real transactions, and loses
 * everything when the process ends. The rest of the package is its package-private machinery (the
 * bounded trace, the compact per-pair maps, the sharing of small values, the undo log).
 *
 * <p>The package may use the SPI (and Jackson, which is part of it), jakarta.inject's annotations
 * and the JDK; nothing else: no engine, no test library. It is production code that a host may
 * run; the fakes for tests (trackers, transports, clocks) and the compatibility kits stay in
 * backbone-testkit, which depends on this module.
 */
package org.backbonesync.memory;
