/**
 * Micrometer meters from the engine's events: {@link
 * org.backbonesync.micrometer.MicrometerSyncListener}.
 *
 * <p>May use the core's public API, the SPI's values and Micrometer; the Jira adapter's request
 * listener only where the host has the adapter.
 */
package org.backbonesync.micrometer;
