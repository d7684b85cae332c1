package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.backbonesync.spi.internal.SmallMap;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.PendingChange;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * The only code that builds a message and records what was sent: in the caller's transaction it
 * moves the row's sequence id, keeps the links of the comments and attachments the message
 * carries, the values sent (last synced) and the changes the partner has not seen yet (pending),
 * and appends the message to the outbox, where {@link Delivery} takes it from, or hands it
 * straight to a partner of this engine ({@link Handover}). After the caller's commit, {@link
 * #committed} gives its events.
 */
final class Outbox {
  private final Connector connector;
  private final Stores stores;
  private final Events events;
  private final Handover handover;
  private final Set<String> merging;
  private final SkippedChanges skipped;

  Outbox(Connector connector, Stores stores, Events events, Handover handover) {
    this.connector = connector;
    this.stores = stores;
    this.events = events;
    this.handover = handover;
    this.merging = connector.merging;
    this.skipped = new SkippedChanges(connector, stores);
  }

  /**
   * After the commit of the transaction that appended a message: {@code queued}, and for a
   * message handed to a partner of this engine, {@code sent} and the partner's {@code received},
   * as a delivery would give them (the partner's apply is prompted after a poll's page and when
   * the step ends: {@link Handover#promptPartner}).
   */
  void committed(SyncMessage message) {
    events.queued(connector.key(), message);
    if (handover.bound()) {
      events.sent(connector.key(), message);
      handover.arrived(message);
    }
  }

  /**
   * After a committed page of a poll, whose events are given: prompts the partner's apply when
   * messages were handed to it ({@link Handover#promptPartner}), so that on an engine with a
   * scheduler the partner applies one page while the poll reads the next, not once the last is
   * read (a first sync of 10,000 issues is a hundred pages).
   */
  void promptPartner() {
    handover.promptPartner();
  }

  /**
   * A message before it is numbered.
   *
   * @param issue the issue it is about, as read
   * @param kind the message's kind
   * @param fields the values, by mapping id
   * @param content the content flows' outcomes, by flow id: their operations go in the message
   *     (none when they have none) and their links are kept
   * @param lastSeen the row's new lastChangeSeen (changes examined up to then), or 0 to keep it
   * @param seenNone whether the message says it saw none of the partner's messages whatever the
   *     row applied (a row that ignored them: the partner then weighs its changes as unseen)
   */
  record Draft(TrackedIssue issue, MessageKind kind, Map<String, FieldValue> fields,
      Map<String, ContentFlow.Out> content, long lastSeen, boolean seenNone) {
    /** A change or resync of field values only. */
    static Draft of(TrackedIssue issue, MessageKind kind, Map<String, FieldValue> fields) {
      return new Draft(issue, kind, fields, Map.of(), 0, false);
    }
  }

  /**
   * Sends the draft as the row's next message: call inside a transaction, with {@code current}
   * the row as locked (or just made) in it.
   */
  SyncMessage send(SyncInfo current, Draft draft, long now) {
    SyncInfo sent = current.withSent(current.outgoingMessageSequenceId() + 1, now);
    if (draft.lastSeen() != 0) {
      sent = sent.withLastChangeSeen(draft.lastSeen());
    }
    stores.syncInfo().update(sent);
    long rowId = sent.id();
    draft.content().values().forEach(out -> out.links().applyTo(stores.syncInfo(), rowId));
    // (the message only: the row keeps what it applied)
    SyncInfo says = draft.seenNone() ? sent.withReceived(0, sent.lastIncomingChange()) : sent;
    Map<String, JsonNode> content = draft.content().isEmpty() ? Map.of() : new LinkedHashMap<>();
    draft.content().forEach((id, out) -> {
      if (!out.ops().isEmpty()) { // (an outcome with link changes only goes with no operation)
        content.put(id, out.ops());
      }
    });
    SyncMessage message = append(says, draft.issue(),
        Documents.attach(connector, draft.issue(), draft.fields()), content, now, draft.kind());
    if (sent.incomingChangesIgnored() || draft.seenNone()) {
      // (the partner merges these itself, or made the same changes: see SkippedChanges)
      skipped.sent(rowId, message);
    }
    return message;
  }

  /**
   * The last of the partner's messages the row had weighed when it sent: none while it ignores
   * the partner's changes (it consumes them unapplied), so that the partner weighs its changes
   * against those instead of taking them as made after seeing them.
   */
  private static long seen(SyncInfo sent) {
    return sent.incomingChangesIgnored() ? 0 : sent.incomingMessageSequenceId();
  }

  /** Appends the message for the row's current sequence id; call inside a transaction. */
  private SyncMessage append(SyncInfo sent, TrackedIssue issue, Map<String, FieldValue> given,
      Map<String, JsonNode> content, long now, MessageKind kind) {
    Map<String, JsonNode> before = stores.syncInfo().syncedValues(sent.id());
    Map<String, FieldValue> fields = withReplaced(given, before);
    JsonNode parent = issue.field("parent");
    SyncMessage message = message(sent, kind, issue.issueType(), fields, content,
        parent.isTextual() ? parent.asText() : null, seen(sent), now);
    Map<String, JsonNode> values = values(fields, connector);
    Map<String, PendingChange> pending = new SmallMap<>(values.size());
    Map<String, PendingChange> earlier = null; // read only for a resync's value of time 0
    for (String id : values.keySet()) {
      long at = fields.get(id).changedAt();
      JsonNode value = values.get(id);
      if (at == 0 && kind == MessageKind.RESYNC && value.equals(before.get(id))) {
        // a value the partner has already, resent (not a merge sent back: that is new to the
        // partner, whatever its time): a change of ours with that value still on its way stays
        // as it is, so that both sides weigh a change crossing it the same (and one the partner
        // applied long ago stays seen). Not when it sent another value (the sync user wrote the
        // partner's over ours and crashed before recording it): ours is no longer here.
        earlier = earlier != null ? earlier : stores.syncInfo().pendingChanges(sent.id());
        PendingChange kept = earlier.get(id);
        if (kept != null && kept.holds(value)) {
          continue;
        }
      }
      pending.put(id, new PendingChange(at, sent.outgoingMessageSequenceId(), before.get(id),
          value));
    }
    stores.syncInfo().putPendingChanges(sent.id(), pending);
    stores.syncInfo().putSyncedValues(sent.id(), values);
    append(message, now);
    return message;
  }

  /**
   * The values, merged fields with the value they replace, so the partner can tell its own
   * additions.
   */
  private Map<String, FieldValue> withReplaced(Map<String, FieldValue> given,
      Map<String, JsonNode> before) {
    if (merging.isEmpty()) {
      return given;
    }
    Map<String, FieldValue> fields = new LinkedHashMap<>();
    for (Map.Entry<String, FieldValue> e : given.entrySet()) {
      FieldValue v = e.getValue();
      fields.put(e.getKey(), merging.contains(e.getKey())
          ? new FieldValue(v.value(), v.changedAt(), v.changedBy(),
              before.getOrDefault(e.getKey(), NullNode.getInstance()))
          : v);
    }
    return fields;
  }

  /**
   * Builds a message id from the row's epoch and the sequence id: unique, also across stores (a
   * row id alone repeats on a new store, and a message of the lost one still on its way would
   * take the new message's place in the partner's inbox), and the same on every replay of a
   * run, which deterministic simulation needs.
   */
  static String messageId(String connectorKey, SyncInfo sent) {
    return connectorKey + ":" + sent.localIssueKey() + ":" + sent.epoch() + ":"
        + sent.outgoingMessageSequenceId();
  }

  /**
   * The values to remember as last synced; content flows' operations are changes, not values.
   */
  static Map<String, JsonNode> values(Map<String, FieldValue> fields, Connector connector) {
    Map<String, JsonNode> values = new SmallMap<>(fields.size());
    for (Map.Entry<String, FieldValue> e : fields.entrySet()) {
      String id = e.getKey();
      if (!connector.flowIds.contains(id)) {
        values.put(id, e.getValue().value());
      }
    }
    return values;
  }

  /**
   * Appends a PAIRED message telling the partner which local issue was created for its issue.
   *
   * @param seen the sequence id of the partner's message the issue was created for
   */
  SyncMessage appendPaired(SyncInfo row, long seen, long now) {
    SyncInfo sent = row.withSent(row.outgoingMessageSequenceId() + 1, now);
    stores.syncInfo().update(sent);
    SyncMessage message =
        message(sent, MessageKind.PAIRED, null, Map.of(), Map.of(), null, seen, now);
    append(message, now);
    return message;
  }

  /**
   * Appends a GONE message telling the partner our issue is gone; call inside a transaction,
   * with {@code row} as locked in it.
   *
   * @param reason {@code deleted}, {@code notFound} (perhaps deleted, perhaps hidden from the
   *     sync user), {@code moved}, {@code outOfScope} (it left the JQL) or {@code replaced}
   * @param movedTo the issue's new key when it moved out of the project; else null
   */
  SyncMessage appendGone(SyncInfo row, String reason, String movedTo, long now) {
    SyncInfo sent = row.withSent(row.outgoingMessageSequenceId() + 1, now);
    stores.syncInfo().update(sent);
    Map<String, JsonNode> content = new LinkedHashMap<>();
    content.put("reason", TextNode.valueOf(reason));
    if (movedTo != null) {
      content.put("movedTo", TextNode.valueOf(movedTo));
    }
    SyncMessage message =
        message(sent, MessageKind.GONE, null, Map.of(), content, null, seen(sent), now);
    append(message, now);
    return message;
  }

  /** The message the row sends as its current sequence id. */
  private SyncMessage message(SyncInfo sent, MessageKind kind, String issueType,
      Map<String, FieldValue> fields, Map<String, JsonNode> content, String parent, long seen,
      long now) {
    return new SyncMessage(MessageCodec.FORMAT_VERSION, messageId(connector.key(), sent),
        connector.syncId, connector.key(), connector.partner.key(), sent.localIssueKey(),
        sent.remoteIssueKey(), sent.outgoingMessageSequenceId(), kind, issueType, now, fields,
        parent, seen, sent.epoch(), sent.partnerEpoch(), sent.partnerSince(), content,
        sent.incomingChangesIgnored());
  }

  private void append(SyncMessage message, long now) {
    if (handover.bound()) {
      stores.messages().handOver(message, now);
      return;
    }
    stores.messages().addOutgoing(message, now);
    connector.appended();
  }
}
