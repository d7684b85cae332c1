/**
 * The sync engine's entry points: {@link org.backbonesync.core.SyncEngine} and its builder, the
 * synchronization's configuration, and {@link org.backbonesync.core.SyncListener} for events.
 */
package org.backbonesync.core;
