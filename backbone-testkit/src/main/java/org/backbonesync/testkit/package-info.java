/**
 * Test support for Backbone Sync: in-memory trackers, stores and transport, a manual clock, and
 * {@link org.backbonesync.testkit.SyncTestDriver}, which runs a real engine step by step.
 */
package org.backbonesync.testkit;
