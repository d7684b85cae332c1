/**
 * Contracts between the Backbone Sync engine and what it runs on: issue trackers, field mappings,
 * stores and transports, plus the value types that cross them. No engine code lives here.
 */
package org.backbonesync.spi;
