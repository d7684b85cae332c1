/**
 * Test support for Backbone Sync: in-memory trackers and transport, a manual clock, and
 * {@link org.backbonesync.testkit.SyncTestDriver}, which runs a real engine step by step. The
 * in-memory stores it runs on by default are {@code org.backbonesync.memory.InMemoryStores}, in
 * backbone-memory.
 */
package org.backbonesync.testkit;
