package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.store.CommentLink;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackerException;

/**
 * The incoming side of {@link CommentSync}: carries out the partner's comment operations on a
 * local issue (adds, edits and deletes the copies) and says how the pair's comment links change.
 */
final class CommentWriter {
  private final IssueTracker tracker;
  private final String syncUser;
  private final AuthorPrefix prefix;
  private final boolean remoteIsA;
  private final Mentions mentions;

  CommentWriter(IssueTracker tracker, String syncUser, AuthorPrefix prefix, boolean remoteIsA,
      Mentions mentions) {
    this.tracker = tracker;
    this.syncUser = syncUser;
    this.prefix = prefix;
    this.remoteIsA = remoteIsA;
    this.mentions = mentions;
  }

  /** One message's operations on one issue: what is known before and what changed. */
  private static final class Pass {
    final String issueKey;
    final Map<String, CommentLink> byLocal = new HashMap<>();
    final Map<String, CommentLink> byRemote = new HashMap<>();
    /** The issue's comments as read before the operations. */
    List<Comment> comments;
    boolean whole;
    /** Whether a comment was added or edited here: {@link #comments} is then out of date. */
    boolean wrote;
    final List<String> touched = new ArrayList<>();
    final List<String> removed = new ArrayList<>();
    final Map<String, String> remoteOf = new HashMap<>();

    Pass(String issueKey) {
      this.issueKey = issueKey;
    }
  }

  /**
   * Carries out the operations on the local issue; returns how its links change.
   *
   * @param created whether the issue was just created for the message (no copies to clean up)
   */
  RowLinks<CommentLink> apply(String issueKey, JsonNode ops, List<CommentLink> links,
      boolean created) {
    if (created && OutgoingContent.onlyComplete(ops)) {
      // a new issue with no comments: no read
      return CommentSync.LINKS.none();
    }
    Pass pass = new Pass(issueKey);
    for (CommentLink l : links) {
      pass.byLocal.put(l.localId(), l);
      if (l.remoteId() != null) {
        pass.byRemote.put(l.remoteId(), l);
      }
    }
    pass.comments = tracker.comments(issueKey);
    pass.whole = OutgoingContent.complete(ops);
    for (JsonNode op : ops) {
      String kind = op.path("op").asText();
      Optional<CommentLink> target = target(op, pass.byLocal, pass.byRemote);
      switch (kind) {
        case "add" -> add(pass, op, target);
        case "edit" -> target.ifPresent(link -> edit(pass, op, link));
        case "delete" -> target.ifPresent(link -> delete(pass, link));
        case OutgoingContent.COMPLETE -> {
          if (!created) {
            pass.removed.addAll(deleteCopiesNotIn(pass, ops));
          }
        }
        default -> throw new SyncException(
            "unknown comment operation \"" + kind + "\" for " + issueKey);
      }
    }
    return CommentSync.LINKS.changes(linksOfTouched(pass), pass.removed);
  }

  /** Adds a copy of the partner's comment, or takes the one added before. */
  private void add(Pass pass, JsonNode op, Optional<CommentLink> target) {
    String remoteId = op.path("id").asText();
    Mentions.Translated in = body(op);
    String body = prefix.of(op.path("authorName").asText(op.path("author").asText()))
        + in.value().asText();
    if (target.isPresent()) {
      // added before (a retry or a resync); a whole resend carries the body as it is now
      if (pass.whole && refresh(pass.issueKey, pass.comments, target.get(), body,
          in.document())) {
        pass.wrote = true;
        pass.remoteOf.put(target.get().localId(), remoteId);
        pass.touched.add(target.get().localId());
      }
      return;
    }
    String visibility = op.path("visibility").isTextual() ? op.get("visibility").asText() : null;
    Optional<String> adopted = adopt(pass, body);
    String localId = adopted.isPresent() ? adopted.get()
        : tracker.addComment(pass.issueKey, body, visibility, in.document());
    pass.wrote |= adopted.isEmpty();
    pass.remoteOf.put(localId, remoteId);
    pass.touched.add(localId);
  }

  /**
   * Edits a synced comment as the partner did, unless it is gone here or was edited here too,
   * later (or at the same time, on B).
   */
  private void edit(Pass pass, JsonNode op, CommentLink link) {
    String localId = link.localId();
    Comment current = pass.comments.stream().filter(c -> c.id().equals(localId)).findFirst()
        .orElse(null);
    if (current == null) {
      return;
    }
    boolean editedHere = !syncUser.equals(current.updateAuthor())
        && (current.updated() > link.localUpdated()
            || !CommentSync.hash(current.body()).equals(link.bodyHash()));
    long remoteTime = op.path("updated").asLong(Long.MAX_VALUE);
    if (editedHere && (current.updated() > remoteTime
        || (current.updated() == remoteTime && !remoteIsA))) {
      return; // edited on both sides: the newer edit wins, A's on a tie; ours goes out
    }
    Mentions.Translated in = body(op);
    String body = syncUser.equals(current.author())
        ? prefix.of(op.path("authorName").asText(op.path("author").asText()))
            + in.value().asText()
        : in.value().asText();
    // restricted as the partner's is now (kept restricted comments only are sent so); a public
    // one, or a message of a build that sent no visibility, leaves the copy's as it is
    String visibility = op.path("visibility").isTextual() ? op.get("visibility").asText() : null;
    tracker.editComment(pass.issueKey, localId, body, visibility, in.document());
    pass.wrote = true;
    pass.remoteOf.put(localId, link.remoteId() != null ? link.remoteId()
        : op.path("id").asText());
    pass.touched.add(localId);
  }

  /** Deletes a synced comment; one already gone here is as good. */
  private void delete(Pass pass, CommentLink link) {
    String localId = link.localId();
    try {
      tracker.deleteComment(pass.issueKey, localId);
    } catch (TrackerException alreadyGone) {
      // deleted on this side too: the link goes either way
    }
    pass.removed.add(localId);
  }

  /**
   * The links of the comments added, edited or adopted, as they are now in the tracker: read
   * again only when this pass wrote one (a whole applied to an issue whose copies are all there,
   * as after a lost store, reads the comments once: {@code LostStoreCostTest}).
   */
  private List<CommentLink> linksOfTouched(Pass pass) {
    List<CommentLink> put = new ArrayList<>();
    if (!pass.touched.isEmpty()) {
      Map<String, Comment> now = new HashMap<>();
      (pass.wrote ? tracker.comments(pass.issueKey) : pass.comments)
          .forEach(c -> now.put(c.id(), c));
      for (String localId : pass.touched) {
        Comment c = now.get(localId);
        CommentLink before = pass.byLocal.get(localId);
        put.add(new CommentLink(localId, pass.remoteOf.get(localId), c == null ? 0 : c.updated(),
            c == null ? null : CommentSync.hash(c.body()), before != null && before.carried()));
      }
    }
    return put;
  }

  /**
   * Gives a copy the body its original has now, unless someone edited the copy here. Returns
   * whether it changed.
   */
  private boolean refresh(String issueKey, List<Comment> comments, CommentLink link,
      String body, JsonNode document) {
    Comment copy = comments.stream().filter(c -> c.id().equals(link.localId())).findFirst()
        .orElse(null);
    if (copy == null || !syncUser.equals(copy.author()) || !syncUser.equals(copy.updateAuthor())
        || copy.body().equals(body)) {
      return false;
    }
    tracker.editComment(issueKey, copy.id(), body, document);
    return true;
  }

  /**
   * After the ops of a sender that sent every comment it has ({@code complete}, to a row made
   * again): the sync user's comments here are copies, so one that is no copy of a comment named
   * is of a comment deleted there meanwhile, and goes; not one the links mark carried (ours since
   * a restore lost the partner's original: the partner holds a copy of it, which its whole does
   * not name). Returns the ids deleted. The comments as
   * read before the ops: one this pass added is a copy of one named, and one it deleted is gone
   * (the pair's claim keeps other applies away; a person adds none as the sync user).
   */
  private List<String> deleteCopiesNotIn(Pass pass, JsonNode ops) {
    Set<String> named = new HashSet<>();
    ops.forEach(op -> named.add(op.path("id").asText()));
    List<String> deleted = new ArrayList<>();
    for (Comment c : pass.comments) {
      CommentLink link = pass.byLocal.get(c.id());
      boolean copyOfNamed = pass.touched.contains(c.id()) || link != null
          && (link.carried() || link.remoteId() != null && named.contains(link.remoteId()));
      if (syncUser.equals(c.author()) && !copyOfNamed && !pass.removed.contains(c.id())) {
        try {
          tracker.deleteComment(pass.issueKey, c.id());
        } catch (TrackerException alreadyGone) {
          // deleted here as well
        }
        deleted.add(c.id());
      }
    }
    return deleted;
  }

  private static Optional<CommentLink> target(JsonNode op, Map<String, CommentLink> byLocal,
      Map<String, CommentLink> byRemote) {
    JsonNode partner = op.get("partnerId");
    if (partner != null && !partner.isNull() && byLocal.containsKey(partner.asText())) {
      return Optional.of(byLocal.get(partner.asText()));
    }
    return Optional.ofNullable(byRemote.get(op.path("id").asText()));
  }

  /**
   * A copy written before a crash but not linked: the same body by the sync user. Taken instead
   * of adding the comment again. Not one this pass took already: two comments of one person with
   * the same text ("+1") have two copies, one each (both taking the first, a whole's end deleted
   * the second as a copy of nothing: {@code SameCommentTwiceAfterLostStoreTest}).
   */
  private Optional<String> adopt(Pass pass, String body) {
    return pass.comments.stream()
        .filter(c -> syncUser.equals(c.author()) && c.body().equals(body)
            && !pass.byLocal.containsKey(c.id()) && !pass.remoteOf.containsKey(c.id()))
        .map(Comment::id)
        .findFirst();
  }

  /**
   * An operation's body, and the rich-text document beside it (null for none), with the
   * partner's mentions made local. The tracker writes the document where the body it is given
   * (with the author prefix) is still the document's.
   */
  private Mentions.Translated body(JsonNode op) {
    JsonNode document = op.get("document");
    return mentions.translate(JsonNodeFactory.instance.textNode(op.path("body").asText()),
        document != null && document.isObject() ? document : null);
  }
}
