package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.backbonesync.spi.store.PairedLink;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.tracker.ChangelogEntry;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.IssueLink;
import org.backbonesync.spi.tracker.IssueTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs one connector's issue links between synced issues. Outgoing, it compares the issue's
 * links with those the connector has paired: {@code add} for a link whose partner link is not
 * known here, once from each of its issues (the receiver knows a second by its id), {@code
 * delete} for a paired one that is gone, deletions first. An operation
 * names the sender's link ({@code id}) and, when known, the receiver's ({@code partnerId}); an add
 * also names the link by its type, its direction and the other issue (by the sender's key), which
 * the receiver translates. Incoming, an add makes the link unless one with that type between the
 * same issues exists (then that one is paired); a delete removes only the link paired with the
 * one named, so a link a person made on this side alone, or made again since, stays.
 *
 * <p>A link shows on both its issues, and both may send its add: the one whose message arrives
 * where the other issue is synced makes it. Its delete goes with the messages of each issue that
 * sent its add, so that it comes after it in that issue's order; the delete of a link the partner
 * sent goes with the outward issue's messages (the inward one's when the outward issue is not
 * synced). Pairings are kept per connector, so both
 * issues see them, and a removed link's pairing stays, marked gone, so that an add still on its
 * way does not make the link again. A link to an issue the partner does not know (yet) is
 * skipped there; it is made when the other issue's add comes, or with that issue's first
 * message, which names all its links. Such a whole send only adds: a link removed while no row
 * knew of it stays on the partner. Operations of
 * format version 3 and earlier (a list of links without {@code op} or ids) read as adds.
 */
final class LinkSync implements ContentFlow {
  /** Pairings to store with the step's transaction (a removed link's stays, marked gone). */
  record LinkChanges(String connectorKey, List<PairedLink> put) implements ContentFlow.Links {
    @Override
    public void applyTo(SyncInfoStore store, long rowId) {
      applyShared(store);
    }

    @Override
    public void applyShared(SyncInfoStore store) {
      put.forEach(link -> store.putPairedLink(connectorKey, link));
    }

    @Override
    public boolean isEmpty() {
      return put.isEmpty();
    }
  }

  private static final Logger log = LoggerFactory.getLogger(LinkSync.class);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String FIELD = "issuelinks";
  /** The local id of a partner link removed before its add came here: a prefix and its id. */
  private static final String NEVER_MADE = "~";

  private final String id;
  private final String connectorKey;
  private final IssueTracker tracker;
  private final Function<String, Optional<String>> partners;
  private final CorrelationMapping.Table types;

  /**
   * @param partners the local issue paired with a remote one
   * @param types the link type table, or null to keep the names
   */
  LinkSync(String id, String connectorKey, IssueTracker tracker,
      Function<String, Optional<String>> partners, CorrelationMapping.Table types) {
    this.id = id;
    this.connectorKey = connectorKey;
    this.tracker = tracker;
    this.partners = partners;
    this.types = types;
  }

  @Override
  public boolean joinsPairs() {
    return true;
  }

  /** A whole send only adds (see the class comment): it names no end. */
  @Override
  public boolean marksWhole() {
    return false;
  }

  @Override
  public String id() {
    return id;
  }

  /**
   * Reads the issue's links only when they may have changed: a whole send, a change without a
   * changelog (a resync), or one whose changelog has an entry on {@code issuelinks}.
   */
  @Override
  public Out outgoing(IssueChanges changes, SyncInfoStore store, long rowId) {
    boolean whole = rowId == 0;
    if (!whole && !mayHaveChanged(changes.changelog())) {
      return new Out(JSON.arrayNode(), none(), false);
    }
    String key = changes.issue().key();
    Map<String, PairedLink> paired = new LinkedHashMap<>();
    store.pairedLinks(connectorKey, key).forEach(l -> paired.put(l.localId(), l));
    List<IssueLink> current = tracker.links(key);
    ArrayNode ops = JSON.arrayNode();
    List<PairedLink> put = new ArrayList<>();
    deletes(key, paired.values(), current, whole, store, ops, put);
    adds(key, paired, current, whole, ops, put);
    return new Out(ops, new LinkChanges(connectorKey, put), false);
  }

  /** The deletes this issue's message carries, with the pairings they mark: they go first. */
  private void deletes(String key, Collection<PairedLink> paired, List<IssueLink> current,
      boolean whole, SyncInfoStore store, ArrayNode ops, List<PairedLink> put) {
    Set<String> currentIds = new HashSet<>();
    current.forEach(l -> currentIds.add(l.id()));
    for (PairedLink link : paired) {
      boolean removedHere = whole ? removedEarlier(link)
          : !currentIds.contains(link.localId()) && sendsDeleteOf(link, key, store);
      if (removedHere) {
        boolean outward = link.outwardIssue().equals(key);
        ops.addObject().put("op", "delete").put("id", link.localId())
            .put("partnerId", link.remoteId()).put("type", link.type()).put("outward", outward)
            .put("issue", outward ? link.inwardIssue() : link.outwardIssue());
        if (!whole) {
          put.add(link.deleteSentFrom(key));
        }
      }
    }
  }

  /** The adds of the issue's links the partner may not have, with their pairings. */
  private void adds(String key, Map<String, PairedLink> paired, List<IssueLink> current,
      boolean whole, ArrayNode ops, List<PairedLink> put) {
    for (IssueLink link : current) {
      PairedLink known = paired.get(link.id());
      boolean outward = link.outwardIssue().equals(key);
      String other = outward ? link.inwardIssue() : link.outwardIssue();
      boolean due = whole || known == null
          || known.remoteId() == null && !known.sentFromIssue(key);
      if (due) {
        ObjectNode add = ops.addObject().put("op", "add").put("id", link.id())
            .put("type", link.type()).put("outward", outward).put("issue", other);
        if (known != null && known.remoteId() != null) {
          add.put("partnerId", known.remoteId()); // (a whole send: the receiver's own link)
        }
        put.add((known != null ? known : new PairedLink(link.id(), null, link.type(),
            link.outwardIssue(), link.inwardIssue(), 0, false)).sentFrom(key));
      }
    }
  }

  /**
   * Whether this issue's messages carry the delete of a link gone here: each that carried its
   * add (so that the delete comes after it, whichever the partner applied); for a link the
   * partner sent, the outward issue's once (the inward one's when the outward is not synced).
   */
  private boolean sendsDeleteOf(PairedLink link, String key, SyncInfoStore store) {
    if (link.localId().startsWith(NEVER_MADE)) {
      return false;
    }
    if (link.sent() != 0) {
      return link.sentFromIssue(key);
    }
    return !link.gone() && (link.outwardIssue().equals(key)
        || store.findByLocalKey(connectorKey, link.outwardIssue()).isEmpty());
  }

  /**
   * Whether a whole send names the link as removed: one this side removed (its pairing stays,
   * marked gone), so that a partner that did not take the delete (its row ignored our changes
   * then, or was made again) removes its copy instead of keeping it; the deletes go before the
   * adds, so a link made again since is made after.
   */
  private static boolean removedEarlier(PairedLink link) {
    return link.gone() && !link.localId().startsWith(NEVER_MADE);
  }

  private LinkChanges none() {
    return new LinkChanges(connectorKey, List.of());
  }

  private static boolean mayHaveChanged(List<ChangelogEntry> changelog) {
    return changelog.isEmpty() || changelog.stream().anyMatch(e ->
        e.items().stream().anyMatch(i -> i.field().equals(FIELD)));
  }

  @Override
  public Links apply(String localKey, JsonNode ops, SyncInfoStore store, long rowId,
      boolean created) {
    LinkPairs pairs = new LinkPairs(connectorKey, store.pairedLinks(connectorKey, localKey));
    Supplier<List<IssueLink>> current = Context.once(
        () -> new ArrayList<>(tracker.links(localKey))); // kept in step with what we change
    for (JsonNode op : ops) {
      String kind = op.path("op").asText("add");
      String remoteId = op.path("id").isTextual() ? op.get("id").asText() : null;
      if (kind.equals("delete")) {
        delete(localKey, op, remoteId, pairs, current);
      } else if (kind.equals("add") && (remoteId == null || !pairs.knowsRemote(remoteId))
          && !pairs.removedHere(op.path("partnerId").asText(null))) {
        Optional<String> other = partners.apply(op.path("issue").asText());
        if (other.isEmpty()) {
          log.info("{}: link of {} to {} skipped: it is not synced; it will be made when it is",
              connectorKey, localKey, op.path("issue").asText());
          continue;
        }
        PairedLink made = pair(localKey, op, other.get(), remoteId, current.get());
        if (made == null) {
          log.info("{}: link of {} to {} skipped: {} is no longer in the project",
              connectorKey, localKey, op.path("issue").asText(), other.get());
          continue;
        }
        pairs.put(made);
      }
    }
    return pairs.changes();
  }

  /** Removes the local links paired with the one a delete names, or remembers it as gone. */
  private void delete(String localKey, JsonNode op, String remoteId, LinkPairs pairs,
      Supplier<List<IssueLink>> current) {
    List<PairedLink> named = pairs.targets(remoteId, op.path("partnerId").asText(null));
    for (PairedLink ours : named) {
      if (!ours.gone()) {
        if (current.get().removeIf(l -> l.id().equals(ours.localId()))) {
          tracker.deleteLink(localKey, ours.localId());
        }
        pairs.put(ours.removed());
      }
    }
    if (named.isEmpty() && remoteId != null) {
      // its add has not come yet (it travels with the other issue's messages): remember the
      // link as gone, so that the add makes nothing when it comes
      partners.apply(op.path("issue").asText()).ifPresent(other -> {
        PairedLink link = pair(localKey, op, other, remoteId, null);
        pairs.put(new PairedLink(NEVER_MADE + remoteId, remoteId, link.type(),
            link.outwardIssue(), link.inwardIssue(), 0, true));
      });
    }
  }

  /**
   * The local link an add names, found (and paired) or made; null when it would be made to an
   * issue that is no longer this project's (moved away, deleted) before its pair knows it.
   *
   * @param existing the issue's links; null to neither look nor make (only name it)
   */
  private PairedLink pair(String localKey, JsonNode op, String other, String remoteId,
      List<IssueLink> existing) {
    String remoteType = op.path("type").asText();
    String type = types == null ? remoteType : types.translate(remoteType, connectorKey);
    boolean outward = op.path("outward").asBoolean();
    String outwardKey = outward ? localKey : other;
    String inwardKey = outward ? other : localKey;
    if (existing == null) {
      return new PairedLink(NEVER_MADE, remoteId, type, outwardKey, inwardKey, 0, false);
    }
    Optional<IssueLink> found = existing.stream().filter(l -> l.type().equals(type)
        && l.outwardIssue().equals(outwardKey) && l.inwardIssue().equals(inwardKey)).findFirst();
    if (found.isEmpty() && tracker.issue(other).filter(i -> i.key().equals(other)).isEmpty()) {
      return null; // the other issue moved away (its old key leads elsewhere) or is gone
    }
    String linkId = found.map(IssueLink::id)
        .orElseGet(() -> tracker.createLink(type, outwardKey, inwardKey));
    if (found.isEmpty()) {
      existing.add(new IssueLink(linkId, type, outwardKey, inwardKey));
    }
    return new PairedLink(linkId, remoteId, type, outwardKey, inwardKey, 0, false);
  }
}
