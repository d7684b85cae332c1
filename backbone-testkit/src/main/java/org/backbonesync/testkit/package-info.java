/**
 * Test support for Backbone Sync: in-memory trackers and transport, a manual clock, the fake Jira
 * server, the fault simulation, and {@link org.backbonesync.testkit.SyncTestDriver}, which runs a
 * real engine step by step. The in-memory stores it runs on by default are {@code
 * org.backbonesync.memory.InMemoryStores}, in backbone-memory.
 *
 * <p>May use the SPI, the core's public API (and {@code core.guarantee}, exported to it alone),
 * backbone-memory, Jackson, JUnit 5 and the JDK's HTTP server and client.
 */
package org.backbonesync.testkit;
