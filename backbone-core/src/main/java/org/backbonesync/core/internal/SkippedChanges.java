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
 * while the row ignored them ({@code incomingChangesIgnored}), or dropped as sent to a row of
 * ours before it was taken back; and the values of ours sent meanwhile. Of each field the row
 * keeps a {@link SkippedBase} ({@link org.backbonesync.spi.store.SyncInfoStore#skippedBases}),
 * which the partner's next value of the field is merged against, so that what the partner
 * changed meanwhile counts as its additions and removals, not as ours undone (the partner's whole
 * after a take-back says it replaced itself). Forgotten once a message of the partner with the
 * field is applied ({@link ConflictResolver.Resolution#skippedTaken}).
 */
final class SkippedChanges {
  private final Connector connector;
  private final Stores stores;

  SkippedChanges(Connector connector, Stores stores) {
    this.connector = connector;
    this.stores = stores;
  }

  /**
   * Keeps, for the message's merged fields, what it replaced and its value ({@link
   * SkippedBase#skipped}); call inside a transaction.
   */
  void skipped(long rowId, SyncMessage message) {
    Map<String, FieldValue> fields = merged(message.fields(), true);
    if (!fields.isEmpty()) {
      long seen = PartnerRows.seenOfOurs(message);
      keep(rowId, fields, (kept, v) -> kept.skipped(v.previous(), v.value(), seen));
    }
  }

  /**
   * Keeps what a message dropped as stale replaced, as {@link #skipped} does, when it is one the
   * row has not applied: sent by the partner row it talks with, after the last it applied (a
   * duplicate of one applied long ago carries an old value).
   */
  void dropped(SyncInfo row, SyncMessage message) {
    if (message.senderEpoch() != row.partnerEpoch()
        || message.sequenceId() <= row.incomingMessageSequenceId()
        || merged(message.fields(), true).isEmpty()) {
      return;
    }
    stores.inTransaction(() -> skipped(row.id(), message));
  }

  /**
   * Keeps which labels the merged fields of a message of ours held ({@link SkippedBase#sent}),
   * for a row that ignores the partner or is being taken back (its whole): the partner merges
   * those itself, or made the same change; call inside a transaction.
   */
  void sent(long rowId, SyncMessage message) {
    Map<String, FieldValue> merged = merged(message.fields(), false);
    if (!merged.isEmpty()) {
      keep(rowId, merged,
          (kept, v) -> kept.sent(message.sequenceId(), v.previous(), v.value()));
    }
  }

  /** One field's step: what the row keeps of it after a change skipped or a value sent. */
  private interface Step {
    SkippedBase next(SkippedBase kept, FieldValue value);
  }

  private void keep(long rowId, Map<String, FieldValue> fields, Step step) {
    Map<String, JsonNode> kept = stores.syncInfo().skippedBases(rowId);
    Map<String, JsonNode> next = new LinkedHashMap<>();
    fields.forEach((id, v) -> next.put(id, step.next(SkippedBase.of(kept.get(id)), v).json()));
    stores.syncInfo().putSkippedBases(rowId, next);
  }

  /**
   * Of the fields, the merged ones; with {@code replacing}, only those that say what they
   * replaced (JSON null too: an issue without labels, whose base is none).
   */
  private Map<String, FieldValue> merged(Map<String, FieldValue> fields, boolean replacing) {
    Map<String, FieldValue> merged = Map.of();
    for (Map.Entry<String, FieldValue> e : fields.entrySet()) {
      if (connector.merging.contains(e.getKey())
          && (!replacing || e.getValue().previous() != null)) {
        merged = merged.isEmpty() ? new LinkedHashMap<>() : merged;
        merged.put(e.getKey(), e.getValue());
      }
    }
    return merged;
  }
}
