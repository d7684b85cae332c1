package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.core.PartnerGone;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a GONE message (the partner's issue was deleted or moved away): does with the local
 * issue what the connector's {@code onPartnerGone} says (leave it, mark it with a comment and a
 * label, delete it), then unlinks the pair: its row ignores the partner's changes from now on.
 * The tracker is written first and the row after, so a crash between repeats the action, which
 * is harmless: a marked issue (it has the label, or the comment) is not marked again, a deleted
 * one stays gone.
 */
final class PartnerGoneApplier {
  private static final Logger log = LoggerFactory.getLogger(PartnerGoneApplier.class);
  private static final Pattern ISSUE_KEY =
      Pattern.compile("[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}");

  private final Connector connector;
  private final Stores stores;
  private final Events events;

  PartnerGoneApplier(Connector connector, Stores stores, Events events) {
    this.connector = connector;
    this.stores = stores;
    this.events = events;
  }

  ApplyOutcome apply(SyncInfo row, SyncMessage message, long now) {
    String localKey = row.localIssueKey();
    PartnerGone.Action done = act(connector.config.onPartnerGone(), localKey, told(message));
    stores.inTransaction(() -> connector.consume(stores, row.id(), message, now,
        r -> r.withIncomingChangesIgnored(true)));
    // a WARN, as the unlink on the partner's side: a pair ended by itself, an admin may look
    log.warn("{}: partner issue {} of {} {}; the pair is unlinked ({} it)", connector.key(),
        message.sourceIssueKey(), localKey, reason(message), done);
    events.partnerGone(connector.key(), message, localKey, done);
    return new ApplyOutcome.Applied(message, localKey, false);
  }

  /**
   * Does with the local issue what the connector's {@code onPartnerGone} says for a partner
   * issue replaced by another issue under its key (a mark at most); the caller unlinks the pair.
   *
   * @return what it did
   */
  PartnerGone.Action replaced(String localKey, String partnerKey) {
    return act(connector.config.onPartnerGone(), localKey,
        new Told(false, shownKey(partnerKey, "in " + connector.partner.key()), REPLACED));
  }

  private static final String REPLACED = "replaced by another issue under its key";
  /** A partner its tracker did not find, but cannot say was deleted ({@code "notFound"}). */
  private static final String NOT_FOUND = "not found (deleted, or hidden from the sync user)";

  /** What the partner told: whether its issue was deleted, its key and why, as shown. */
  private record Told(boolean deleted, String partner, String reason) {}

  private static Told told(SyncMessage message) {
    return new Told(deleted(message), partner(message), reason(message));
  }

  /**
   * Does what the rule says with the pair's issue as it is (not one its old key leads to in
   * another project, nor one outside the incoming JQL, nor one of ours that left our JQL); what
   * it did. A partner that moved away or left its JQL is never answered by a delete, only by a
   * mark: it is still there, and a mark can be taken back.
   */
  private PartnerGone.Action act(PartnerGone rule, String localKey, Told told) {
    if (rule.action() == PartnerGone.Action.LEAVE) {
      return PartnerGone.Action.LEAVE;
    }
    Optional<TrackedIssue> issue =
        connector.tracker.issue(localKey).filter(i -> i.key().equals(localKey));
    String jql = connector.config.incomingJql();
    if (issue.isEmpty() || jql != null && !connector.tracker.matches(localKey, jql)
        || GoneIssues.leftScope(connector, issue.get())) {
      return PartnerGone.Action.LEAVE;
    }
    if (rule.action() == PartnerGone.Action.DELETE && told.deleted()) {
      connector.tracker.deleteIssue(localKey);
      return PartnerGone.Action.DELETE;
    }
    mark(rule.action() == PartnerGone.Action.MARK ? rule : PartnerGone.mark(), issue.get(), told);
    return PartnerGone.Action.MARK;
  }

  /**
   * Adds the comment, unless there (a retry after a crash before the label), then the label;
   * nothing when the label is there already (marked before).
   */
  private void mark(PartnerGone rule, TrackedIssue issue, Told told) {
    String localKey = issue.key();
    ArrayNode marked = JsonNodeFactory.instance.arrayNode();
    for (JsonNode label : issue.field("labels")) {
      if (label.asText().equals(rule.label())) {
        return;
      }
      marked.add(label);
    }
    marked.add(rule.label());
    String comment = rule.comment().replace("{partner}", told.partner())
        .replace("{reason}", told.reason());
    if (connector.tracker.comments(localKey).stream().noneMatch(c -> c.body().equals(comment))) {
      connector.tracker.addComment(localKey, comment);
    }
    connector.tracker.updateIssue(localKey, Map.of("labels", marked));
  }

  /**
   * Whether the partner's issue was deleted: only then may ours be deleted. One that moved, or
   * left the partner's JQL, is still there, and may come back; one only not found ({@code
   * "notFound"}) may be hidden from the partner's sync user, so it is not taken as deleted.
   */
  private static boolean deleted(SyncMessage message) {
    JsonNode reason = message.content().get("reason");
    return !message.content().containsKey("movedTo")
        && (reason == null || reason.asText().equals("deleted"));
  }

  /**
   * "deleted", "not found (deleted, or hidden from the sync user)", "moved to KEY", "replaced by
   * another issue under its key" or "taken out of the synchronization", as the message says; what goes into the comment is an issue key or nothing
   * (the partner's words are not written on the issue).
   */
  private static String reason(SyncMessage message) {
    JsonNode movedTo = message.content().get("movedTo");
    if (movedTo == null) {
      JsonNode reason = message.content().get("reason");
      if (reason != null && reason.asText().equals("replaced")) {
        return REPLACED;
      }
      if (reason != null && reason.asText().equals("notFound")) {
        return NOT_FOUND;
      }
      return deleted(message) ? "deleted" : "taken out of the synchronization";
    }
    return ISSUE_KEY.matcher(movedTo.asText()).matches() ? "moved to " + movedTo.asText()
        : "moved";
  }

  /** The partner issue's key for the comment, or a neutral name when it is not a key. */
  private static String partner(SyncMessage message) {
    return shownKey(message.sourceIssueKey(), "in " + message.fromConnector());
  }

  private static String shownKey(String key, String otherwise) {
    return ISSUE_KEY.matcher(key).matches() ? key : otherwise;
  }
}
