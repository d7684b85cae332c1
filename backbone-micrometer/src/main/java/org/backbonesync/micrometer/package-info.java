/** Micrometer meters from the engine's events: {@link org.backbonesync.micrometer.MicrometerSyncListener}. */
package org.backbonesync.micrometer;
