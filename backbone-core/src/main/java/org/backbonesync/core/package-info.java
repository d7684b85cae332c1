/**
 * The sync engine's entry points: {@link org.backbonesync.core.SyncEngine} and its builder, the
 * synchronization's configuration (typed, and read from JSON once, with every problem checked),
 * {@link org.backbonesync.core.FieldMappingRegistry}, {@link org.backbonesync.core.SyncListener}
 * for events, and the admin API ({@link org.backbonesync.core.SyncAdmin}, {@link
 * org.backbonesync.core.SyncAdminHandler}).
 *
 * <p>May use the SPI, Jackson, SLF4J and jakarta.inject; it builds the engine from {@code
 * core.internal}, which it may use, and {@code core.guarantee} only for the builder's test hook.
 */
package org.backbonesync.core;
