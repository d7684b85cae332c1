package org.backbonesync.spi.store;

/**
 * A lease a node holds, as {@link LeaseStore#leases} reports it.
 *
 * @param scope what kind of work ({@code poll}, {@code deliver}, {@code inbox:<connector>})
 * @param key which one (a connector key, a source issue key)
 * @param node the node that holds it
 * @param until when it expires unless renewed, epoch millis
 * @since 0.1.0
 */
public record Lease(String scope, String key, String node, long until) {}
