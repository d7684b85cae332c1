package org.backbonesync.core;

import static org.backbonesync.core.AdminText.cut;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.OutboxEntry;
import org.backbonesync.spi.store.TraceEntry;

/**
 * The JSON the admin REST answers with, one method per resource (tasks, failed and undeliverable
 * messages, a connector's status, an issue's trace): errors and texts from outside cut at {@link
 * #MAX_MESSAGE_LENGTH}, so that no answer grows with what a tracker said.
 */
final class AdminAnswers {
  /** The most characters of an error or a trace detail an answer shows. */
  static final int MAX_MESSAGE_LENGTH = 500;

  private final JsonMapper mapper;

  AdminAnswers(JsonMapper mapper) {
    this.mapper = mapper;
  }

  ObjectNode task(AsyncTask t) {
    ObjectNode n = mapper.createObjectNode();
    n.put("id", t.id());
    n.put("startTimestamp", t.startTimestamp());
    n.put("finished", t.finished());
    n.put("cancelled", t.cancelled());
    n.put("hasFailed", t.hasFailed());
    n.put("progress", t.progress());
    n.put("message", t.message());
    if (t.completionTimestamp() == 0) {
      n.putNull("completionTimestamp");
    } else {
      n.put("completionTimestamp", t.completionTimestamp());
    }
    n.set("result", t.result());
    n.put("failureMessage", t.failureMessage());
    return n;
  }

  ArrayNode undeliverable(List<OutboxEntry> entries) {
    ArrayNode list = mapper.createArrayNode();
    for (OutboxEntry e : entries) {
      SyncMessage m = e.message();
      list.addObject().put("messageId", m.messageId())
          .put("toConnector", m.toConnector())
          .put("sourceIssueKey", m.sourceIssueKey())
          .put("partnerIssueKey", m.partnerIssueKey())
          .put("sequenceId", m.sequenceId())
          .put("kind", m.kind() == null ? null : m.kind().name())
          .put("addedAt", e.addedAt())
          .put("attempts", e.attempts())
          .put("error", shown(e.lastError()));
    }
    return list;
  }

  ArrayNode failedMessages(List<InboxEntry> entries) {
    ArrayNode list = mapper.createArrayNode();
    for (InboxEntry e : entries) {
      SyncMessage m = e.message();
      list.addObject().put("messageId", m.messageId())
          .put("fromConnector", m.fromConnector())
          .put("sourceIssueKey", m.sourceIssueKey())
          .put("partnerIssueKey", m.partnerIssueKey())
          .put("sequenceId", m.sequenceId())
          .put("kind", m.kind() == null ? null : m.kind().name())
          .put("receivedAt", e.receivedAt())
          .put("attempts", e.attempts())
          .put("error", shown(e.error()));
    }
    return list;
  }

  ObjectNode trace(IssueTrace t) {
    ObjectNode n = mapper.createObjectNode().put("connectorKey", t.connectorKey())
        .put("issueKey", t.issueKey());
    n.set("syncInformation", mapper.valueToTree(t.syncInformation()));
    ArrayNode history = n.putArray("history");
    for (TraceEntry e : t.history()) {
      history.addObject().put("at", e.at()).put("direction", e.direction().name())
          .put("issueKey", e.issueKey()).put("messageId", e.messageId())
          .put("sequenceId", e.sequenceId()).put("kind", e.kind())
          .put("outcome", e.outcome().name())
          .put("detail", shown(e.detail()));
    }
    ObjectNode queued = n.putObject("queued");
    queued.set("outgoing", undeliverable(t.queuedOutgoing()));
    queued.set("incoming", failedMessages(t.queuedIncoming()));
    queued.put("incomingCount", t.queuedIncomingCount());
    return n;
  }

  ObjectNode status(ConnectorStatus s) {
    ObjectNode n = mapper.createObjectNode().put("connectorKey", s.connectorKey())
        .put("at", s.at());
    ObjectNode outbox = n.putObject("outbox").put("count", s.outboxCount());
    oldest(outbox, "oldestAddedAt", s.oldestOutgoingAt(), s.at());
    ObjectNode inbox = n.putObject("inbox").put("count", s.inboxCount());
    oldest(inbox, "oldestReceivedAt", s.oldestIncomingAt(), s.at());
    inbox.put("failed", s.failedCount());
    n.put("watermark", s.watermark());
    if (s.lastPoll() == null) {
      n.putNull("lastPoll");
    } else {
      n.putObject("lastPoll").put("at", s.lastPoll().at())
          .put("issuesFound", s.lastPoll().issuesFound())
          .put("messagesQueued", s.lastPoll().messagesQueued());
    }
    if (s.leases() == null) {
      n.putNull("leases");
    } else {
      ArrayNode leases = n.putArray("leases");
      s.leases().forEach(l -> leases.addObject().put("scope", l.scope()).put("key", l.key())
          .put("node", l.node()).put("until", l.until()));
    }
    return n;
  }

  /** The time of a queue's oldest message and its age at {@code at}, or nulls when it is empty. */
  private static void oldest(ObjectNode queue, String name, Long time, long at) {
    queue.put(name, time);
    if (time == null) {
      queue.putNull("oldestAgeMillis");
    } else {
      queue.put("oldestAgeMillis", Math.max(0, at - time));
    }
  }

  /** A text from outside as an answer shows it: cut at {@link #MAX_MESSAGE_LENGTH}; null stays. */
  private static String shown(String text) {
    return text == null ? null : cut(text, MAX_MESSAGE_LENGTH);
  }
}
