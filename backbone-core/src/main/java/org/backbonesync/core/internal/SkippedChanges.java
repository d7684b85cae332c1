package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;

/**
 * The partner's changes of merged fields (labels) that a row did not take: consumed unapplied
 * while the row ignored them ({@code incomingChangesIgnored}, or outside the incoming JQL), or
 * dropped as sent to a row of ours before it was taken back. Of each field, the value the first
 * of them replaced is kept ({@link org.backbonesync.spi.store.SyncInfoStore#skippedBases}): the
 * partner's next value of the field is merged against it, so that what the partner changed
 * meanwhile counts as its additions and removals, not as ours undone (the partner's whole after
 * a take-back says it replaced itself). Forgotten once a message of the partner with the field
 * is applied ({@link ConflictResolver.Resolution#skippedTaken}).
 */
final class SkippedChanges {
  private final Connector connector;
  private final Stores stores;

  SkippedChanges(Connector connector, Stores stores) {
    this.connector = connector;
    this.stores = stores;
  }

  /**
   * Keeps, for the message's merged fields with none kept yet, the value it says it replaced;
   * call inside a transaction.
   */
  void skipped(long rowId, SyncMessage message) {
    Map<String, JsonNode> replaced = replaced(message);
    if (replaced.isEmpty()) {
      return;
    }
    Map<String, JsonNode> kept = stores.syncInfo().skippedBases(rowId);
    Map<String, JsonNode> first = new LinkedHashMap<>();
    replaced.forEach((id, value) -> {
      if (!kept.containsKey(id)) {
        first.put(id, value);
      }
    });
    stores.syncInfo().putSkippedBases(rowId, first);
  }

  /**
   * Keeps what a message dropped as stale replaced, as {@link #skipped} does, when it is one the
   * row has not applied: sent by the partner row it talks with, after the last it applied (a
   * duplicate of one applied long ago carries an old value).
   */
  void dropped(SyncInfo row, SyncMessage message) {
    if (message.senderEpoch() != row.partnerEpoch()
        || message.sequenceId() <= row.incomingMessageSequenceId()
        || replaced(message).isEmpty()) {
      return;
    }
    stores.inTransaction(() -> skipped(row.id(), message));
  }

  /** Of the message's merged fields, the value each says it replaced (when it says one). */
  private Map<String, JsonNode> replaced(SyncMessage message) {
    Map<String, JsonNode> replaced = Map.of();
    for (Map.Entry<String, FieldValue> e : message.fields().entrySet()) {
      JsonNode previous = e.getValue().previous();
      if (connector.merging.contains(e.getKey()) && previous != null && !previous.isNull()) {
        replaced = replaced.isEmpty() ? new LinkedHashMap<>() : replaced;
        replaced.put(e.getKey(), previous);
      }
    }
    return replaced;
  }
}
