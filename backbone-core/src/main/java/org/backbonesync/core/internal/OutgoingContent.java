package org.backbonesync.core.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.store.AttachmentLink;
import org.backbonesync.spi.store.CommentLink;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * The comment and attachment operations a message carries: what changed since the pair's links,
 * or everything (a whole send). Reads the tracker and the links; writes nothing (the links go
 * with the message, see {@link Outbox#send}).
 */
final class OutgoingContent {
  private final Connector connector;

  OutgoingContent(Connector connector) {
    this.connector = connector;
  }

  /**
   * The comment operations of an issue, added to {@code fields} when there are any; null when
   * comments do not flow out of this connector or nothing changed.
   *
   * @param links the pair's comment links; null to send the issue's comments whole (a new issue,
   *     or a partner row made again), which always goes, even with no comment
   */
  CommentSync.Outgoing comments(
      IssueChanges changes, Supplier<List<CommentLink>> links, Map<String, FieldValue> fields) {
    if (connector.commentsOut == null) {
      return null;
    }
    TrackedIssue issue = changes.issue();
    List<CommentLink> known = links == null ? List.of() : links.get();
    CommentSync.Outgoing out = connector.commentsOut.outgoing(issue.key(), known,
        changes.comments());
    if (out.ops().isEmpty() && links != null) {
      return null;
    }
    if (known.isEmpty()) {
      // every comment goes as new: the partner deletes its copies of others (a row made again,
      // or comments deleted here while no row knew them)
      out.ops().addObject().put("op", "complete");
    }
    fields.put(connector.commentsId, new FieldValue(out.ops(),
        out.lastChange() > 0 ? out.lastChange() : issue.updated(),
        out.lastAuthor() != null ? out.lastAuthor() : connector.config.syncUser()));
    return out;
  }

  /**
   * The attachment operations of an issue, added to {@code fields} when there are any; null when
   * files do not flow out of this connector or nothing changed. An outcome with no operation but
   * link changes (copies deleted here) is returned too, so that its links are forgotten.
   *
   * @param links the pair's attachment links; null to send the issue's files whole (see {@link
   *     #comments})
   */
  AttachmentSync.Outgoing attachments(
      IssueChanges changes, Supplier<List<AttachmentLink>> links,
      Map<String, FieldValue> fields) {
    if (connector.attachmentsOut == null) {
      return null;
    }
    TrackedIssue issue = changes.issue();
    List<AttachmentLink> known = links == null ? List.of() : links.get();
    AttachmentSync.Outgoing out = connector.attachmentsOut.outgoing(issue.key(), known,
        changes.attachments());
    if (out.ops().isEmpty() && links != null) {
      return out.links().removed().isEmpty() ? null : out;
    }
    if (known.isEmpty()) {
      // every file goes as new: the partner deletes copies of others (a row made again)
      out.ops().addObject().put("op", "complete");
    }
    fields.put(connector.attachmentsId,
        new FieldValue(out.ops(), issue.updated(), connector.config.syncUser()));
    return out;
  }
}
