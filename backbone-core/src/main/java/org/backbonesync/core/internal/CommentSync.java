package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backbonesync.spi.store.CommentLink;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.IssueTracker;

/**
 * Syncs one connector's comments. Outgoing, it compares the issue's comments with the pair's
 * comment links and produces operations: {@code add} for a comment no link knows (and not written
 * by the sync user), {@code edit} for one updated since it was synced, {@code delete} for a
 * linked one that is gone. Incoming, its {@link CommentWriter} carries them out and says how the
 * links change. An operation names the sender's comment ({@code id}) and, when known, the
 * receiver's ({@code partnerId}).
 *
 * <p>A search result may lag behind the issue (Jira Cloud's search is eventually consistent).
 * When the comments a search brought along look older than the pair's links, they are read again
 * from the issue instead (see {@link #lagsBehind}): a linked comment missing from them would be
 * sent as a delete (the partner's original gone for good), an older version of an edited one as
 * an edit back, and a comment deleted since as an add.
 */
final class CommentSync extends LinkedFlow<CommentLink> {
  /** How the pair's commentLinks are stored. */
  static final RowLinks.Kind<CommentLink> LINKS =
      new RowLinks.Kind<>(SyncInfoStore::putCommentLink, SyncInfoStore::removeCommentLink);

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final IssueTracker tracker;
  private final String syncUser;
  private final AuthorPrefix prefix;
  private final boolean keepRestricted;
  private final Mentions mentions;
  private final CommentWriter writer;

  CommentSync(String id, IssueTracker tracker, String syncUser, JsonNode settings,
      boolean remoteIsA, Mentions mentions) {
    super(id);
    this.mentions = mentions;
    this.tracker = tracker;
    this.syncUser = syncUser;
    this.prefix = new AuthorPrefix(
        settings.path("authorPrefix").asText(CommentsMapping.DEFAULT_PREFIX));
    this.keepRestricted = settings.path("restricted").asText("skip").equals("keep");
    this.writer = new CommentWriter(tracker, syncUser, prefix, remoteIsA, mentions);
  }

  @Override
  List<CommentLink> links(SyncInfoStore store, long rowId) {
    return store.commentLinks(rowId);
  }

  @Override
  String localId(CommentLink link) {
    return link.localId();
  }

  @Override
  boolean carried(CommentLink link) {
    return link.carried();
  }

  @Override
  Out outgoing(IssueChanges changes, List<CommentLink> links, Set<String> carried) {
    return outgoing(changes.issue().key(), links, changes.comments(), carried);
  }

  /**
   * @param known the issue's comments from the change search, or null to read them
   * @param carried the copies of ours that go as our own (see {@link LinkedFlow#outgoing})
   */
  private Out outgoing(String issueKey, List<CommentLink> links, List<Comment> known,
      Set<String> carried) {
    Map<String, CommentLink> byLocal = new HashMap<>();
    links.forEach(l -> byLocal.put(l.localId(), l));
    List<Comment> comments = known != null && !lagsBehind(known, links)
        ? known : tracker.comments(issueKey);
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
        boolean copy = syncUser.equals(c.author());
        if (copy && !carried.contains(c.id())) {
          continue; // a copy this connector wrote, not linked yet: never send it back
        }
        String body = mentions.export(stripPrefix(c));
        ops.add(document(op("add", c.id(), null).put("author", c.author())
            .put("authorName", authorName(c)).put("body", body)
            .put("created", c.created()).put("visibility", c.visibility()), c, body));
        put.add(new CommentLink(c.id(), null, c.updated(), hash(c.body()), copy));
      } else if (!syncUser.equals(c.updateAuthor())
          && (c.updated() > link.localUpdated() || !hash(c.body()).equals(link.bodyHash()))) {
        // (an edit the sync made itself, before a crash kept it from updating the link, is none)
        String body = mentions.export(stripPrefix(c));
        ops.add(document(op("edit", c.id(), link.remoteId()).put("author", c.author())
            .put("authorName", authorName(c)).put("body", body)
            .put("updated", c.updated()).put("visibility", c.visibility()), c, body));
        put.add(new CommentLink(c.id(), link.remoteId(), c.updated(), hash(c.body()),
            link.carried()));
      }
    }
    for (CommentLink link : links) {
      if (!present.containsKey(link.localId())) {
        ops.add(op("delete", link.localId(), link.remoteId()));
        removed.add(link.localId());
      }
    }
    return new Out(ops, LINKS.changes(put, removed), links.isEmpty());
  }

  /**
   * Whether a search's comments look older than what the pair's links know: a linked comment is
   * missing, a linked one is older than its link (or as old with another body), or one the
   * links do not know (and that is no copy of ours, nor kept back as restricted) was made before
   * the newest link's comment was last changed, as a comment deleted since would be. The last
   * can be a comment never sent (made public since, say): reading again costs a request, and
   * it is sent then.
   */
  private boolean lagsBehind(List<Comment> comments, List<CommentLink> links) {
    if (links.isEmpty()) {
      return false; // (a whole send: nothing to undo)
    }
    Map<String, CommentLink> byLocal = new HashMap<>();
    long newest = 0;
    for (CommentLink link : links) {
      byLocal.put(link.localId(), link);
      newest = Math.max(newest, link.localUpdated());
    }
    int linkedSeen = 0;
    for (Comment c : comments) {
      CommentLink link = byLocal.get(c.id());
      if (link != null) {
        linkedSeen++;
        if (c.updated() < link.localUpdated() || c.updated() == link.localUpdated()
            && !hash(c.body()).equals(link.bodyHash())) {
          return true; // (an older version, or one of the same instant: read again to tell)
        }
      } else if (!syncUser.equals(c.author()) && (keepRestricted || !c.restricted())
          && c.created() <= newest) {
        return true;
      }
    }
    return linkedSeen < links.size();
  }

  /**
   * Carries out the operations on the local issue; returns how its links change.
   *
   * @param created whether the issue was just created for the message (no copies to clean up)
   */
  @Override
  RowLinks<CommentLink> apply(String issueKey, JsonNode ops, List<CommentLink> links,
      boolean created) {
    return writer.apply(issueKey, ops, links, created);
  }

  /** A hash of a comment body (SHA-256, hex), so that links need not keep bodies. */
  static String hash(String body) {
    return Sha256.of(body);
  }

  /**
   * An operation with the comment's rich-text document beside its body (format 6 on), when the
   * tracker gave one: the partner writes it where the body it writes is still the document's.
   */
  private ObjectNode document(ObjectNode op, Comment c, String exportedBody) {
    JsonNode document = mentions.exportDocument(c.document(), exportedBody);
    if (document != null) {
      op.set("document", document);
    }
    return op;
  }

  /** The body of a copy this side wrote, without the author prefix it added. */
  private String stripPrefix(Comment c) {
    return syncUser.equals(c.author()) ? prefix.strip(c.body()) : c.body();
  }

  /**
   * The name a comment goes with: its author's, or for a copy this side wrote the one its prefix
   * names (a copy the partner holds of it, carried there after a restore lost the original, gets
   * that name again, not the sync user's).
   */
  private String authorName(Comment c) {
    String named = syncUser.equals(c.author()) ? prefix.author(c.body()) : null;
    return named != null ? named : displayName(c.author());
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
