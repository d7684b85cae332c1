package org.backbonesync.spi.store;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A local change of one field that was sent to the partner, which may not have seen it yet: if
 * the partner changes the same field without having applied it, the two changes are concurrent.
 *
 * @param changedAt when the local change was made (the local tracker's time), epoch millis
 * @param sequenceId the sequence id of the message that carried it
 * @param baseValue the value both sides had before it (the base of a three-way merge), or null
 * @param value the value it sent; null when not known (a change recorded by a version that did
 *     not keep it). The change is weighed only while the field still holds this value: once the
 *     sync user wrote another over it (the partner's, applied before a crash could record that),
 *     it is no longer there to conflict with anything.
 */
public record PendingChange(long changedAt, long sequenceId, JsonNode baseValue, JsonNode value) {

  /** A change whose value is not known; see {@link #value()}. */
  public PendingChange(long changedAt, long sequenceId, JsonNode baseValue) {
    this(changedAt, sequenceId, baseValue, null);
  }

  /** Whether the field holding {@code current} still holds this change (or that is not known). */
  public boolean holds(JsonNode current) {
    return value == null || value.equals(current);
  }
}
