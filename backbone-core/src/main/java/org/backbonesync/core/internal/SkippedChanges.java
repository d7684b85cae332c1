package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;

/**
 * The partner's changes of merged fields (labels) that a row did not take: consumed unapplied
 * while the row ignored them ({@code incomingChangesIgnored}), or dropped as sent to a row of
 * ours before it was taken back. Of each field the row keeps ({@link
 * org.backbonesync.spi.store.SyncInfoStore#skippedBases}) the base: the value the first of them
 * replaced, moved on by what the partner took of ours between them (a later one replacing more
 * or less than the one before left shows it: a label of ours the partner merged, then removed,
 * is its removal); and the last one's value, to tell that by. The partner's next value of the
 * field is merged against the base, so that what the partner changed meanwhile counts as its
 * additions and removals, not as ours undone (the partner's whole after a take-back says it
 * replaced itself). Forgotten once a message of the partner with the field is applied ({@link
 * ConflictResolver.Resolution#skippedTaken}).
 */
final class SkippedChanges {
  private static final String BASE = "base";
  private static final String LAST = "last";

  private final Connector connector;
  private final Stores stores;

  SkippedChanges(Connector connector, Stores stores) {
    this.connector = connector;
    this.stores = stores;
  }

  /**
   * Keeps, for the message's merged fields, what it replaced: as the base when the row keeps none
   * yet, else moving the base on by what the partner took meanwhile; call inside a transaction.
   */
  void skipped(long rowId, SyncMessage message) {
    Map<String, JsonNode> replaced = replaced(message);
    if (replaced.isEmpty()) {
      return;
    }
    Map<String, JsonNode> kept = stores.syncInfo().skippedBases(rowId);
    Map<String, JsonNode> next = new LinkedHashMap<>();
    replaced.forEach((id, previous) -> {
      JsonNode value = message.fields().get(id).value();
      JsonNode before = kept.get(id);
      next.put(id, kept(before == null ? previous : movedOn(base(before), last(before), previous),
          value));
    });
    stores.syncInfo().putSkippedBases(rowId, next);
  }

  /**
   * The base the partner's next value of a field merges against, from what the row kept ({@link
   * #skipped}): moved on, as between two skipped changes, by what the partner took of ours since
   * the last of them, which {@code previous} (what that next value replaced there) shows: our
   * changes it merged itself while our row ignored it count as agreed, so that one of ours
   * undone right after the take-back stays undone. A partner that ignored ours too took none:
   * its {@code previous} is its last skipped value, and the base stays.
   *
   * @param previous what the partner's next value says it replaced; null when it says none
   */
  static JsonNode base(JsonNode kept, JsonNode previous) {
    return previous == null ? base(kept) : movedOn(base(kept), last(kept), previous);
  }

  private static JsonNode base(JsonNode kept) {
    return kept.path(BASE);
  }

  private static JsonNode last(JsonNode kept) {
    return kept.path(LAST);
  }

  private static JsonNode kept(JsonNode base, JsonNode last) {
    ObjectNode kept = JsonNodeFactory.instance.objectNode();
    kept.set(BASE, base);
    kept.set(LAST, last);
    return kept;
  }

  /**
   * The base moved on by what the partner took between its last skipped change (value {@code
   * last}) and the next (which replaced {@code previous}): the labels it gained meanwhile added,
   * those it lost removed. Those are the row's own changes the partner merged.
   */
  private static JsonNode movedOn(JsonNode base, JsonNode last, JsonNode previous) {
    return SetMerge.merge(last, base, previous);
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

  /**
   * Of the message's merged fields, the value each says it replaced (when it says one): JSON null
   * too, an issue without labels then, whose base is none.
   */
  private Map<String, JsonNode> replaced(SyncMessage message) {
    Map<String, JsonNode> replaced = Map.of();
    for (Map.Entry<String, FieldValue> e : message.fields().entrySet()) {
      JsonNode previous = e.getValue().previous();
      if (connector.merging.contains(e.getKey()) && previous != null) {
        replaced = replaced.isEmpty() ? new LinkedHashMap<>() : replaced;
        replaced.put(e.getKey(), previous);
      }
    }
    return replaced;
  }
}
