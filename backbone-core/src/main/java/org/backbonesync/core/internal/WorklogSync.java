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
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.store.WorklogLink;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.spi.tracker.Worklog;

/**
 * Syncs one connector's worklogs (see {@link WorklogsMapping}). Outgoing, it compares the issue's
 * worklogs with the pair's worklog links: {@code add} for a worklog no link knows (and not logged
 * by the sync user), {@code edit} for one changed since it was synced (by its update time or the
 * hash of what it says), {@code delete} for a linked one that is gone. Incoming, it logs, edits
 * and deletes the copies, the newer edit winning when both sides changed one (A's on a tie). An
 * operation names the sender's worklog ({@code id}) and, when known, the receiver's ({@code
 * partnerId}). Worklogs show in no changelog: an issue's are read whenever it changed. Both
 * halves live here (about 300 lines) so that this kind of content is one flow class.
 */
final class WorklogSync extends LinkedFlow<WorklogLink> {
  /** How the pair's worklogLinks are stored. */
  static final RowLinks.Kind<WorklogLink> LINKS =
      new RowLinks.Kind<>(SyncInfoStore::putWorklogLink, SyncInfoStore::removeWorklogLink);

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final IssueTracker tracker;
  private final String syncUser;
  private final String author;
  private final AuthorPrefix prefix;
  private final boolean remoteIsA;
  private final Mentions mentions;

  WorklogSync(String id, IssueTracker tracker, String syncUser, JsonNode settings,
      boolean remoteIsA, Mentions mentions) {
    super(id);
    this.tracker = tracker;
    this.syncUser = syncUser;
    this.author = settings.path("author").asText("text");
    this.prefix = new AuthorPrefix(settings.path("authorPrefix")
        .asText(author.equals("anonymous") ? "" : WorklogsMapping.DEFAULT_PREFIX));
    this.remoteIsA = remoteIsA;
    this.mentions = mentions;
  }

  @Override
  List<WorklogLink> links(SyncInfoStore store, long rowId) {
    return store.worklogLinks(rowId);
  }

  // ------------------------------------------------------------------ outgoing

  @Override
  String localId(WorklogLink link) {
    return link.localId();
  }

  @Override
  boolean carried(WorklogLink link) {
    return link.carried();
  }

  @Override
  Out outgoing(IssueChanges changes, List<WorklogLink> links, Set<String> carried) {
    Map<String, WorklogLink> byLocal = new HashMap<>();
    links.forEach(l -> byLocal.put(l.localId(), l));
    ArrayNode ops = JSON.arrayNode();
    List<WorklogLink> put = new ArrayList<>();
    Set<String> present = new HashSet<>();
    for (Worklog w : tracker.worklogs(changes.issue().key())) {
      present.add(w.id());
      WorklogLink link = byLocal.get(w.id());
      boolean copy = syncUser.equals(w.author());
      if (link == null && (!copy || carried.contains(w.id()))) {
        ops.add(describe(op("add", w.id(), null), w, stripPrefix(w)));
        put.add(new WorklogLink(w.id(), null, w.updated(), hash(w), copy));
      } else if (link != null && editedHere(w, link)) {
        ops.add(describe(op("edit", w.id(), link.remoteId()), w, stripPrefix(w))
            .put("updated", w.updated()));
        put.add(new WorklogLink(w.id(), link.remoteId(), w.updated(), hash(w), link.carried()));
      } // else: a copy this connector logged, not linked yet, or unchanged: nothing to send
    }
    List<String> removed = new ArrayList<>();
    for (WorklogLink link : links) {
      if (!present.contains(link.localId())) {
        ops.add(op("delete", link.localId(), link.remoteId()));
        removed.add(link.localId());
      }
    }
    return new Out(ops, LINKS.changes(put, removed), links.isEmpty());
  }

  /**
   * Whether a person changed a linked worklog since it was synced (an edit the sync made itself,
   * before a crash kept it from updating the link, is none).
   */
  private boolean editedHere(Worklog w, WorklogLink link) {
    return !syncUser.equals(w.updateAuthor())
        && (w.updated() > link.localUpdated() || !hash(w).equals(link.hash()));
  }

  /**
   * The operation with what the worklog says and who logged it, as the settings name them; for a
   * copy this side logged, the author its prefix names (a copy the partner holds of it, carried
   * there after a restore lost the original, names that author again, not the sync user).
   */
  private ObjectNode describe(ObjectNode op, Worklog w, String comment) {
    op.put("started", w.started()).put("timeSpentSeconds", w.timeSpentSeconds())
        .put("comment", mentions.export(comment));
    String named = syncUser.equals(w.author()) ? prefix.author(w.comment()) : null;
    if (!author.equals("anonymous")) {
      op.put("authorName", named != null ? named
          : tracker.user(w.author()).map(u -> u.displayName()).orElse(w.author()));
    }
    if (author.equals("user") && named == null) {
      op.put("authorUser", mentions.export("[~" + w.author() + "]"));
    }
    return op;
  }

  /** The comment of a copy this side logged, without the author prefix it added. */
  private String stripPrefix(Worklog w) {
    return syncUser.equals(w.author()) ? prefix.strip(w.comment()) : w.comment();
  }

  /** A hash of what a worklog says (SHA-256, hex), so that links need not keep it. */
  static String hash(Worklog w) {
    return Sha256.of(w.started() + "|" + w.timeSpentSeconds() + "|" + w.comment());
  }

  private static ObjectNode op(String kind, String id, String partnerId) {
    ObjectNode op = JSON.objectNode().put("op", kind).put("id", id);
    if (partnerId != null) {
      op.put("partnerId", partnerId);
    }
    return op;
  }

  // ------------------------------------------------------------------ incoming

  /** One message's operations on one issue: what is known before and what changed. */
  private final class Pass {
    final String issueKey;
    final Map<String, WorklogLink> byLocal = new HashMap<>();
    final Map<String, WorklogLink> byRemote = new HashMap<>();
    final Map<String, Worklog> worklogs = new HashMap<>();
    final Map<String, String> remoteOf = new HashMap<>();
    final List<String> removed = new ArrayList<>();
    boolean whole;

    Pass(String issueKey, List<WorklogLink> links) {
      this.issueKey = issueKey;
      for (WorklogLink l : links) {
        byLocal.put(l.localId(), l);
        if (l.remoteId() != null) {
          byRemote.put(l.remoteId(), l);
        }
      }
      tracker.worklogs(issueKey).forEach(w -> worklogs.put(w.id(), w));
    }

    Optional<WorklogLink> target(JsonNode op) {
      JsonNode partner = op.get("partnerId");
      if (partner != null && byLocal.containsKey(partner.asText())) {
        return Optional.of(byLocal.get(partner.asText()));
      }
      return Optional.ofNullable(byRemote.get(op.path("id").asText()));
    }
  }

  @Override
  RowLinks<WorklogLink> apply(String issueKey, JsonNode ops, List<WorklogLink> links,
      boolean created) {
    if (created && OutgoingContent.onlyComplete(ops)) {
      return LINKS.none(); // a new issue with no worklogs: no read
    }
    Pass pass = new Pass(issueKey, links);
    pass.whole = OutgoingContent.complete(ops);
    for (JsonNode op : ops) {
      String kind = op.path("op").asText();
      Optional<WorklogLink> target = pass.target(op);
      switch (kind) {
        case "add" -> add(pass, op, target);
        case "edit" -> target.ifPresent(link -> edit(pass, op, link));
        case "delete" -> target.ifPresent(link -> delete(pass, link.localId()));
        case OutgoingContent.COMPLETE -> {
          if (!created) {
            deleteCopiesNotIn(pass, ops);
          }
        }
        default -> throw new SyncException(
            "unknown worklog operation \"" + kind + "\" for " + issueKey);
      }
    }
    return LINKS.changes(linksOfTouched(pass), pass.removed);
  }

  /** Logs a copy of the partner's worklog, or takes the one logged before. */
  private void add(Pass pass, JsonNode op, Optional<WorklogLink> target) {
    String comment = comment(op);
    if (target.isPresent()) {
      Worklog copy = pass.worklogs.get(target.get().localId());
      if (pass.whole && copy != null && syncUser.equals(copy.author())
          && syncUser.equals(copy.updateAuthor()) && !says(copy, op, comment)) {
        write(pass, op, copy.id(), comment); // a whole resend: the copy says what it says now
      }
      return;
    }
    String localId = pass.worklogs.values().stream()
        .filter(w -> syncUser.equals(w.author()) && !pass.byLocal.containsKey(w.id())
            && !pass.remoteOf.containsKey(w.id()) && says(w, op, comment))
        .map(Worklog::id).findFirst() // logged before a crash but not linked: taken
        .orElseGet(() -> tracker.addWorklog(pass.issueKey, op.path("started").asLong(),
            op.path("timeSpentSeconds").asLong(), comment));
    pass.remoteOf.put(localId, op.path("id").asText());
  }

  /**
   * Edits a synced worklog as the partner did, unless it is gone here or a person edited it here
   * later (or at the same time, on B): whether or not that edit was sent yet, its link no longer
   * tells, so the update times decide.
   */
  private void edit(Pass pass, JsonNode op, WorklogLink link) {
    Worklog current = pass.worklogs.get(link.localId());
    if (current == null) {
      return;
    }
    long remoteTime = op.path("updated").asLong(Long.MAX_VALUE);
    if (!syncUser.equals(current.updateAuthor()) && (current.updated() > remoteTime
        || (current.updated() == remoteTime && !remoteIsA))) {
      return; // a person's edit here is newer (A's on a tie): it went or goes out, and wins
    }
    String comment = syncUser.equals(current.author()) ? comment(op) : body(op);
    write(pass, op, current.id(), comment);
  }

  private void write(Pass pass, JsonNode op, String localId, String comment) {
    tracker.updateWorklog(pass.issueKey, localId, op.path("started").asLong(),
        op.path("timeSpentSeconds").asLong(), comment);
    WorklogLink link = pass.byLocal.get(localId);
    pass.remoteOf.put(localId, link != null && link.remoteId() != null ? link.remoteId()
        : op.path("id").asText());
  }

  /** Deletes a synced worklog; one already gone here is as good. */
  private void delete(Pass pass, String localId) {
    try {
      tracker.deleteWorklog(pass.issueKey, localId);
    } catch (TrackerException alreadyGone) {
      // deleted on this side too: the link goes either way
    }
    pass.removed.add(localId);
  }

  /**
   * After the operations of a sender that sent every worklog it has ({@code complete}): the sync
   * user's worklogs here are copies, so one that is no copy of a worklog named is of one deleted
   * there meanwhile, and goes; not one the links mark carried (ours since a restore lost the
   * partner's original: the partner holds a copy of it, which its whole does not name).
   */
  private void deleteCopiesNotIn(Pass pass, JsonNode ops) {
    Set<String> named = new HashSet<>();
    ops.forEach(op -> named.add(op.path("id").asText()));
    for (Worklog w : pass.worklogs.values()) {
      WorklogLink link = pass.byLocal.get(w.id());
      boolean copyOfNamed = pass.remoteOf.containsKey(w.id()) || link != null
          && (link.carried() || link.remoteId() != null && named.contains(link.remoteId()));
      if (syncUser.equals(w.author()) && !copyOfNamed) {
        delete(pass, w.id());
      }
    }
  }

  /** The links of the worklogs logged or edited, as they are now in the tracker. */
  private List<WorklogLink> linksOfTouched(Pass pass) {
    if (pass.remoteOf.isEmpty()) {
      return List.of();
    }
    Map<String, Worklog> now = new HashMap<>();
    tracker.worklogs(pass.issueKey).forEach(w -> now.put(w.id(), w));
    List<WorklogLink> put = new ArrayList<>();
    pass.remoteOf.forEach((localId, remoteId) -> {
      Worklog w = now.get(localId);
      WorklogLink before = pass.byLocal.get(localId);
      put.add(new WorklogLink(localId, remoteId, w == null ? 0 : w.updated(),
          w == null ? null : hash(w), before != null && before.carried()));
    });
    return put;
  }

  /** Whether a worklog says what the operation says, with this comment. */
  private static boolean says(Worklog w, JsonNode op, String comment) {
    return w.started() == op.path("started").asLong()
        && w.timeSpentSeconds() == op.path("timeSpentSeconds").asLong()
        && w.comment().equals(comment);
  }

  /** A copy's comment: the author as the settings name them, then the partner's comment. */
  private String comment(JsonNode op) {
    String name = op.path("authorName").asText("");
    String who = author.equals("user") && op.has("authorUser")
        ? mentions.translate(op.path("authorUser").asText()) : name;
    return prefix.of(who) + body(op);
  }

  /** An operation's comment with the partner's mentions made local. */
  private String body(JsonNode op) {
    return mentions.translate(op.path("comment").asText());
  }
}
