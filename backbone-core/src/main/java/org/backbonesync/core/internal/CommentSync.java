package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.store.CommentLink;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackerException;

/**
 * Syncs one connector's comments. Outgoing, it compares the issue's comments with the pair's
 * comment links and produces operations: {@code add} for a comment no link knows (and not written
 * by the sync user), {@code edit} for one updated since it was synced, {@code delete} for a
 * linked one that is gone. Incoming, it carries them out and says how the links change. An
 * operation names the sender's comment ({@code id}) and, when known, the receiver's ({@code
 * partnerId}).
 */
final class CommentSync extends LinkedFlow<CommentLink> {
  /** Link changes to commit with the step's transaction. */
  record LinkChanges(List<CommentLink> put, List<String> removed) implements ContentFlow.Links {
    @Override
    public void applyTo(SyncInfoStore store, long rowId) {
      put.forEach(link -> store.putCommentLink(rowId, link));
      removed.forEach(id -> store.removeCommentLink(rowId, id));
    }

    @Override
    public boolean isEmpty() {
      return put.isEmpty() && removed.isEmpty();
    }
  }

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final IssueTracker tracker;
  private final String syncUser;
  private final AuthorPrefix prefix;
  private final boolean keepRestricted;
  private final boolean remoteIsA;
  private final Mentions mentions;

  CommentSync(String id, IssueTracker tracker, String syncUser, JsonNode settings,
      boolean remoteIsA, Mentions mentions) {
    super(id);
    this.mentions = mentions;
    this.tracker = tracker;
    this.remoteIsA = remoteIsA;
    this.syncUser = syncUser;
    this.prefix = new AuthorPrefix(
        settings.path("authorPrefix").asText(CommentsMapping.DEFAULT_PREFIX));
    this.keepRestricted = settings.path("restricted").asText("skip").equals("keep");
  }

  @Override
  List<CommentLink> links(SyncInfoStore store, long rowId) {
    return store.commentLinks(rowId);
  }

  @Override
  Out outgoing(IssueChanges changes, List<CommentLink> links) {
    return outgoing(changes.issue().key(), links, changes.comments());
  }

  /** @param known the issue's comments from the change search, or null to read them */
  private Out outgoing(String issueKey, List<CommentLink> links, List<Comment> known) {
    Map<String, CommentLink> byLocal = new HashMap<>();
    links.forEach(l -> byLocal.put(l.localId(), l));
    List<Comment> comments = known != null ? known : tracker.comments(issueKey);
    ArrayNode ops = JSON.arrayNode();
    List<CommentLink> put = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    Map<String, Comment> present = new HashMap<>();
    for (Comment c : comments) {
      if (c.restricted() && !keepRestricted) {
        continue; // internal: never leaves; if it was synced, the loop below deletes the copy
      }
      present.put(c.id(), c);
      CommentLink link = byLocal.get(c.id());
      if (link == null) {
        if (syncUser.equals(c.author())) {
          continue; // a copy this connector wrote, not linked yet: never send it back
        }
        ops.add(op("add", c.id(), null).put("author", c.author())
            .put("authorName", displayName(c.author())).put("body", mentions.export(c.body()))
            .put("created", c.created()).put("visibility", c.visibility()));
        put.add(new CommentLink(c.id(), null, c.updated(), hash(c.body())));
      } else if (!syncUser.equals(c.updateAuthor())
          && (c.updated() > link.localUpdated() || !hash(c.body()).equals(link.bodyHash()))) {
        // (an edit the sync made itself, before a crash kept it from updating the link, is none)
        ops.add(op("edit", c.id(), link.remoteId()).put("author", c.author())
            .put("authorName", displayName(c.author()))
            .put("body", mentions.export(stripPrefix(c, link)))
            .put("updated", c.updated()));
        put.add(new CommentLink(c.id(), link.remoteId(), c.updated(), hash(c.body())));
      }
    }
    for (CommentLink link : links) {
      if (!present.containsKey(link.localId())) {
        ops.add(op("delete", link.localId(), link.remoteId()));
        removed.add(link.localId());
      }
    }
    return new Out(ops, new LinkChanges(put, removed), links.isEmpty());
  }

  /**
   * Carries out the operations on the local issue; returns how its links change.
   *
   * @param created whether the issue was just created for the message (no copies to clean up)
   */
  @Override
  LinkChanges apply(String issueKey, JsonNode ops, List<CommentLink> links, boolean created) {
    if (created && ops.size() == 1 && ops.get(0).path("op").asText().equals("complete")) {
      return new LinkChanges(List.of(), List.of()); // a new issue with no comments: no read
    }
    Map<String, CommentLink> byLocal = new HashMap<>();
    Map<String, CommentLink> byRemote = new HashMap<>();
    for (CommentLink l : links) {
      byLocal.put(l.localId(), l);
      if (l.remoteId() != null) {
        byRemote.put(l.remoteId(), l);
      }
    }
    List<Comment> comments = tracker.comments(issueKey);
    boolean whole = false;
    for (JsonNode op : ops) {
      whole |= op.path("op").asText().equals("complete");
    }
    List<String> touched = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    Map<String, String> remoteOf = new HashMap<>();
    for (JsonNode op : ops) {
      String kind = op.path("op").asText();
      String remoteId = op.path("id").asText();
      Optional<CommentLink> target = target(op, byLocal, byRemote);
      switch (kind) {
        case "add" -> {
          String body = prefix.of(op.path("authorName").asText(op.path("author").asText()))
              + body(op);
          if (target.isPresent()) {
            // added before (a retry or a resync); a whole resend carries the body as it is now
            if (whole && refresh(issueKey, comments, target.get(), body)) {
              remoteOf.put(target.get().localId(), remoteId);
              touched.add(target.get().localId());
            }
            continue;
          }
          String visibility = op.path("visibility").isTextual()
              ? op.get("visibility").asText() : null;
          String localId = adopt(comments, body, byLocal)
              .orElseGet(() -> tracker.addComment(issueKey, body, visibility));
          remoteOf.put(localId, remoteId);
          touched.add(localId);
        }
        case "edit" -> {
          if (target.isEmpty()) {
            continue; // never synced here (skipped or deleted): nothing to edit
          }
          String localId = target.get().localId();
          Comment current = comments.stream().filter(c -> c.id().equals(localId)).findFirst()
              .orElse(null);
          if (current == null) {
            continue;
          }
          CommentLink link = target.get();
          boolean editedHere = !syncUser.equals(current.updateAuthor())
              && (current.updated() > link.localUpdated()
                  || !hash(current.body()).equals(link.bodyHash()));
          long remoteTime = op.path("updated").asLong(Long.MAX_VALUE);
          if (editedHere && (current.updated() > remoteTime
              || (current.updated() == remoteTime && !remoteIsA))) {
            continue; // edited on both sides: the newer edit wins, A's on a tie; ours goes out
          }
          String body = syncUser.equals(current.author())
              ? prefix.of(op.path("authorName").asText(op.path("author").asText()))
                  + body(op)
              : body(op);
          tracker.editComment(issueKey, localId, body);
          remoteOf.put(localId, target.get().remoteId() != null ? target.get().remoteId()
              : remoteId);
          touched.add(localId);
        }
        case "delete" -> {
          if (target.isEmpty()) {
            continue;
          }
          String localId = target.get().localId();
          try {
            tracker.deleteComment(issueKey, localId);
          } catch (TrackerException alreadyGone) {
            // deleted on this side too: the link goes either way
          }
          removed.add(localId);
        }
        case "complete" -> {
          if (!created) {
            removed.addAll(deleteCopiesNotIn(issueKey, ops, byLocal, touched));
          }
        }
        default -> throw new SyncException(
            "unknown comment operation \"" + kind + "\" for " + issueKey);
      }
    }
    List<CommentLink> put = new ArrayList<>();
    if (!touched.isEmpty()) {
      Map<String, Comment> now = new HashMap<>();
      tracker.comments(issueKey).forEach(c -> now.put(c.id(), c));
      for (String localId : touched) {
        Comment c = now.get(localId);
        put.add(new CommentLink(localId, remoteOf.get(localId), c == null ? 0 : c.updated(),
            c == null ? null : hash(c.body())));
      }
    }
    return new LinkChanges(put, removed);
  }

  /**
   * Gives a copy the body its original has now, unless someone edited the copy here. Returns
   * whether it changed.
   */
  private boolean refresh(String issueKey, List<Comment> comments, CommentLink link,
      String body) {
    Comment copy = comments.stream().filter(c -> c.id().equals(link.localId())).findFirst()
        .orElse(null);
    if (copy == null || !syncUser.equals(copy.author()) || !syncUser.equals(copy.updateAuthor())
        || copy.body().equals(body)) {
      return false;
    }
    tracker.editComment(issueKey, copy.id(), body);
    return true;
  }

  /**
   * After the ops of a sender that sent every comment it has ({@code complete}, to a row made
   * again): the sync user's comments here are copies, so one that is no copy of a comment named
   * is of a comment deleted there meanwhile, and goes. Returns the ids deleted.
   */
  private List<String> deleteCopiesNotIn(String issueKey, JsonNode ops,
      Map<String, CommentLink> byLocal, List<String> touched) {
    Set<String> named = new HashSet<>();
    ops.forEach(op -> named.add(op.path("id").asText()));
    List<String> deleted = new ArrayList<>();
    for (Comment c : tracker.comments(issueKey)) {
      CommentLink link = byLocal.get(c.id());
      boolean copyOfNamed = touched.contains(c.id())
          || (link != null && link.remoteId() != null && named.contains(link.remoteId()));
      if (syncUser.equals(c.author()) && !copyOfNamed) {
        try {
          tracker.deleteComment(issueKey, c.id());
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
   * of adding the comment again.
   */
  private Optional<String> adopt(List<Comment> comments, String body,
      Map<String, CommentLink> byLocal) {
    return comments.stream()
        .filter(c -> syncUser.equals(c.author()) && c.body().equals(body)
            && !byLocal.containsKey(c.id()))
        .map(Comment::id)
        .findFirst();
  }

  /** A hash of a comment body (SHA-256, hex), so that links need not keep bodies. */
  static String hash(String body) {
    return Sha256.of(body);
  }

  /** An operation's body with the partner's mentions made local. */
  private String body(JsonNode op) {
    return mentions.translate(op.path("body").asText());
  }

  /** The body of a copy this side wrote, without the author prefix it added. */
  private String stripPrefix(Comment c, CommentLink link) {
    return syncUser.equals(c.author()) ? prefix.strip(c.body()) : c.body();
  }

  private String displayName(String userId) {
    return tracker.user(userId).map(u -> u.displayName()).orElse(userId);
  }

  private static ObjectNode op(String kind, String id, String partnerId) {
    ObjectNode op = JSON.objectNode().put("op", kind).put("id", id);
    if (partnerId != null) {
      op.put("partnerId", partnerId);
    }
    return op;
  }
}
