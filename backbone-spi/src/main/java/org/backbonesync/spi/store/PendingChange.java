package org.backbonesync.spi.store;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A local change of one field that was sent to the partner, which may not have seen it yet: if
 * the partner changes the same field without having applied it, the two changes are concurrent.
 *
 * @param changedAt when the local change was made (the local tracker's time), epoch millis
 * @param sequenceId the sequence id of the message that carried it
 * @param baseValue the value both sides had before it (the base of a three-way merge), or null
 */
public record PendingChange(long changedAt, long sequenceId, JsonNode baseValue) {}
