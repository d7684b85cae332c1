package org.backbonesync.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.tracker.Attachment;
import org.backbonesync.spi.tracker.ChangelogEntry;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.FieldChange;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * The Jira sites of one simulation run restored from backups ({@link
 * Simulation.Builder#siteRestores}), and what the README promises after such a restore, which
 * the checker asserts: see {@link #check}.
 *
 * <p>A <em>lost pair</em> is a pair (a row on either side) whose issue on the restored side was
 * lost. Its key may be given to a new issue afterwards: a person's (which the README leaves
 * unsynced, since the old row holds the key) or a copy the sync makes for a partner's new issue
 * (paired with that partner). The lost issue's partner is unlinked.
 */
final class SiteRestores {
  /**
   * A pair whose issue on side {@code sideA} was lost in a restore.
   *
   * @param sideA whether site A was restored
   * @param key the lost issue's key
   * @param partner the partner issue's key on the other side then, or null when not known yet
   * @param partnerCreated when the partner issue was created (on its tracker's clock), to know it
   *     again; -1 when it was not there
   * @param checked whether the README promises anything of it: not when the restored side's row
   *     had seen no change of its issue yet (or was not there), which the README lists under "Not
   *     handled after a Jira restore"
   * @param seen the newest change of the lost issue its row's outgoing queue had examined (and
   *     sent) before the restore, on its tracker's clock; 0 when none (or no row)
   * @param row the id of the restored side's row of the lost issue then; 0 when none
   * @param synced that row's last synced values then, by mapping id: what it had sent last (or
   *     applied); empty when no row
   */
  record LostPair(boolean sideA, String key, String partner, long partnerCreated,
      boolean checked, long seen, long row, Map<String, JsonNode> synced) {}

  /** A value a person's act wrote, with the act's number: no two acts write the same. */
  private static final java.util.regex.Pattern PERSONS =
      java.util.regex.Pattern.compile("(issue|summary|comment|edited) \\d+|file-\\d+\\.txt");

  /** The id of the field mapping that syncs a field, for the synced values. */
  private final UnaryOperator<String> mappingOf;
  private final List<LostPair> lost = new ArrayList<>();
  private final Set<String> lostKeysA = new HashSet<>();
  private final Set<String> lostKeysB = new HashSet<>();
  private Set<String> lastLost = Set.of();
  /** Where the last restore's pairs start in {@link #lost}. */
  private int lastFirst;

  /** @param mappingOf the id of the field mapping that syncs a field */
  SiteRestores(UnaryOperator<String> mappingOf) {
    this.mappingOf = mappingOf;
  }

  /** Whether any site was restored. */
  boolean any() {
    return !lostKeysA.isEmpty() || !lostKeysB.isEmpty() || !lost.isEmpty();
  }

  /** The keys, on both sides, of the pairs the last restore lost. */
  Set<String> lastLost() {
    return lastLost;
  }

  /** The pairs the last restore lost, for the trace: each key, its partner's, and if checked. */
  String describeLast() {
    return lost.subList(lastFirst, lost.size()).stream().map(p -> p.key() + "/"
        + p.partner() + (p.checked() ? "" : " (unchecked)")).toList().toString();
  }

  /**
   * The partner issue in which a person's change of an issue the last restore lost goes on: the
   * lost pair's partner, when the pair's row had sent the change before the restore (its message
   * applied there, or on its way, as the README has it: the store keeps it). Empty when the
   * change was lost with the issue (not sent yet), or the partner is not known, or not there: a
   * restore of the partner's site lost it before (its row still names the lost issue), and the
   * change is lost with both (simulation seed 11250 with site restores: a copy later took the
   * partner's key, and the change was counted for the copy's pair).
   */
  Optional<String> carriedTo(PersonsEdits.Edit edit) {
    return lost.subList(lastFirst, lost.size()).stream()
        .filter(p -> p.sideA() == edit.sideA() && p.key().equals(edit.key())
            && p.partner() != null && p.partnerCreated() != -1 && sent(p, edit))
        .map(LostPair::partner).findFirst();
  }

  /**
   * Whether the lost pair's row had sent a person's edit of its issue: an edit before the newest
   * change it had examined was in the snapshot it examined; one in that same millisecond may have
   * been made after the snapshot (the engine examines those again, and sends one whose value is
   * not the synced one), so it was sent only if its value is the one the row sent last
   * (simulation seeds 27573, and 4500 with label order: an edit in the millisecond of the last
   * one sent, never polled, was taken as sent).
   */
  private boolean sent(LostPair p, PersonsEdits.Edit edit) {
    return p.seen() > edit.at() || p.seen() == edit.at()
        && edit.value().equals(p.synced().get(mappingOf.apply(edit.field())));
  }

  /** How many pairs restores lost. */
  int lostPairs() {
    return lost.size();
  }

  /**
   * Restores one side's tracker to its backup of {@code backupAt} and records the pairs it lost.
   *
   * @param own the restored side's rows, read before the restore
   * @param other the other side's rows
   * @param partners the other side's tracker
   * @param store the store of the rows, for the restored side's synced values
   * @return the keys of the issues lost, paired or not
   */
  List<String> restore(boolean sideA, InMemoryIssueTracker tracker, long backupAt,
      List<SyncInfo> own, List<SyncInfo> other, InMemoryIssueTracker partners,
      SyncInfoStore store) {
    List<String> keys = tracker.restoreBackupOf(backupAt);
    lastLost = new HashSet<>(keys);
    lastFirst = lost.size();
    (sideA ? lostKeysA : lostKeysB).addAll(keys);
    for (String key : keys) {
      Optional<SyncInfo> row = own.stream().filter(r -> r.localIssueKey().equals(key))
          .findFirst();
      // the partner our row names, if its row names the key back or waits for it (a row naming
      // an issue its own site lost before, whose key went to another since, names no partner)
      String partner = row.map(SyncInfo::remoteIssueKey).filter(k -> other.stream()
          .anyMatch(r -> r.localIssueKey().equals(k) && (key.equals(r.remoteIssueKey())
              || r.remoteIssueKey() == null && !r.incomingChangesIgnored()))).orElse(null);
      if (partner == null) {
        partner = other.stream().filter(r -> key.equals(r.remoteIssueKey()))
            .map(SyncInfo::localIssueKey).findFirst().orElse(null);
      }
      if (row.isEmpty() && partner == null) {
        continue; // never synced: a new issue under its key is a new issue
      }
      String p = partner;
      long created = p == null ? -1
          : partners.peek(p).map(TrackedIssue::created).orElse(-1L);
      if (partner != null) {
        lastLost.add(partner);
      }
      long seen = row.map(SyncInfo::lastChangeSeen).orElse(0L);
      long id = row.map(SyncInfo::id).orElse(0L);
      lost.add(new LostPair(sideA, key, partner, created, seen > 0, seen, id,
          id == 0 ? Map.of() : new HashMap<>(store.syncedValues(id))));
    }
    return keys;
  }

  /**
   * The issues on one side whose rows name a key a restore of the other side lost, and do not
   * ignore incoming changes: the partners a person touches once the sync is quiet (those there), so that their
   * next message meets the lost issue's key (with no one reusing it, nothing else would).
   */
  List<String> partnersToTouch(boolean sideA, List<SyncInfo> rows,
      InMemoryIssueTracker tracker) {
    Set<String> lostThere = sideA ? lostKeysB : lostKeysA;
    return rows.stream().filter(r -> !r.incomingChangesIgnored() && r.remoteIssueKey() != null
        && lostThere.contains(r.remoteIssueKey()))
        .map(SyncInfo::localIssueKey)
        .filter(k -> tracker.peek(k).filter(i -> i.key().equals(k)).isPresent()).toList();
  }

  /**
   * What the README promises after a restore, and no more. Collects, into {@code outA} and
   * {@code outB}, the issues the other checks must leave out: lost pairs' partners, and issues
   * under a lost key that a person made (unsynced, as the old row holds the key; a copy the sync
   * made there is paired with its partner and checked as any pair). Then asserts:
   * <ul>
   *   <li>every pair unlinked (a row ignoring incoming changes) is one a restore explains: its
   *       issue's key was lost, or its partner's, or it names no partner since its partner's key
   *       was given to a copy;
   *   <li>each lost pair's partner, still the issue it was, is unlinked;
   *   <li>nothing of a lost pair's partner reaches the restored side, and nothing of an issue a
   *       person made under a lost key reaches the other side or is written by the sync: their
   *       summaries, comments and attachments (every one a person wrote is unique) are found on
   *       no issue of the side they must not reach.
   * </ul>
   * Pairs whose restored-side row had seen no change of its issue are left out, unchecked (see
   * {@link LostPair#checked}).
   */
  void check(InMemoryIssueTracker a, InMemoryIssueTracker b, List<SyncInfo> rowsA,
      List<SyncInfo> rowsB, Set<String> outA, Set<String> outB) {
    for (int i = 0; i < lost.size(); i++) {
      LostPair p = lost.get(i);
      InMemoryIssueTracker restored = p.sideA() ? a : b;
      // (unchecked, a copy made under the key too: a message for the lost row, not checked
      // against the issue under its key, may be applied to it, and its pair never converge)
      if (personsUnderLostKey(restored, p.key()).isPresent()
          || restored.peek(p.key()).isEmpty() || !p.checked() && latestOfItsKey(i)) {
        (p.sideA() ? outA : outB).add(p.key());
      }
      samePartner(p, p.sideA() ? b : a)
          .filter(k -> !pairedAgain(p, k, p.sideA() ? rowsB : rowsA, restored,
              p.sideA() ? rowsA : rowsB))
          .ifPresent(k -> (p.sideA() ? outB : outA).add(k));
    }
    outA.addAll(orphanCopies(a, rowsA, lostKeysB));
    outB.addAll(orphanCopies(b, rowsB, lostKeysA));
    rowsA.stream().filter(SyncInfo::incomingChangesIgnored).forEach(r -> outA.add(
        r.localIssueKey()));
    rowsB.stream().filter(SyncInfo::incomingChangesIgnored).forEach(r -> outB.add(
        r.localIssueKey()));
    close(rowsA, rowsB, outA, outB);
    unlinksExplained(true, rowsA);
    unlinksExplained(false, rowsB);
    for (int i = 0; i < lost.size(); i++) {
      LostPair p = lost.get(i);
      if (p.checked()) {
        partnerUnlinked(p, p.sideA() ? b : a, p.sideA() ? rowsB : rowsA, p.sideA() ? a : b,
            p.sideA() ? rowsA : rowsB);
        partnerNotCrossed(p, p.sideA() ? a : b, p.sideA() ? b : a, p.sideA() ? rowsB : rowsA,
            p.sideA() ? rowsA : rowsB);
      }
      if (p.checked() && latestOfItsKey(i)) { // (the issue under the key since its last loss)
        newIssueNotCrossed(p, p.sideA() ? a : b, p.sideA() ? b : a);
      }
    }
  }

  /**
   * The copies the sync made on a side, with no row, of issues the other side lost: a crash after
   * the copy was made and before its row was written, then the restore, and the create sent
   * again meets no issue to pair it with (seed 2955). A lost issue's partner, left as it is.
   */
  private static Set<String> orphanCopies(InMemoryIssueTracker tracker, List<SyncInfo> rows,
      Set<String> lostThere) {
    Set<String> paired = new HashSet<>();
    rows.forEach(r -> paired.add(r.localIssueKey()));
    Set<String> orphans = new HashSet<>();
    for (TrackedIssue i : tracker.allIssues()) {
      String marker = i.originMarker();
      if (marker != null && !paired.contains(i.key())
          && lostThere.contains(marker.substring(marker.lastIndexOf(':') + 1))) {
        orphans.add(i.key());
      }
    }
    return orphans;
  }

  /** Adds to each side's set the partners that rows of the other's name, until none grows. */
  private static void close(List<SyncInfo> rowsA, List<SyncInfo> rowsB, Set<String> outA,
      Set<String> outB) {
    for (boolean grew = true; grew; ) {
      grew = false;
      for (SyncInfo r : rowsA) {
        if (outA.contains(r.localIssueKey()) && r.remoteIssueKey() != null) {
          grew |= outB.add(r.remoteIssueKey());
        }
      }
      for (SyncInfo r : rowsB) {
        if (outB.contains(r.localIssueKey()) && r.remoteIssueKey() != null) {
          grew |= outA.add(r.remoteIssueKey());
        }
      }
    }
  }

  /** The issue a person made under a lost key, there now (not a copy the sync made). */
  private static Optional<TrackedIssue> personsUnderLostKey(InMemoryIssueTracker tracker,
      String key) {
    return tracker.peek(key).filter(i -> i.key().equals(key) && !byTheSync(i.creator()));
  }

  /** The lost pair's partner key, when the issue under it is still the one paired. */
  private static Optional<String> samePartner(LostPair p, InMemoryIssueTracker other) {
    if (p.partner() == null) {
      return Optional.empty();
    }
    return other.peek(p.partner()).filter(i -> i.created() == p.partnerCreated())
        .map(i -> p.partner());
  }

  /**
   * Whether the lost pair's partner is paired again: with another issue than the one under the
   * lost key (its row never learned the lost copy's key, the copy's PAIRED was on its way, and
   * its create, sent again, made a new copy), or with a new copy that took the lost key itself
   * ({@link #newCopyUnderKey}). Its pair is then checked as any.
   */
  private static boolean pairedAgain(LostPair p, String partner, List<SyncInfo> partnerRows,
      InMemoryIssueTracker restored, List<SyncInfo> restoredRows) {
    return partnerRows.stream().anyMatch(r -> r.localIssueKey().equals(partner)
        && !r.incomingChangesIgnored() && r.remoteIssueKey() != null
        && (!r.remoteIssueKey().equals(p.key())
            || newCopyUnderKey(p, partner, restored, restoredRows)));
  }

  /**
   * Whether the issue under the lost key is a new copy the sync made of the partner, linked with
   * it by a row made since the restore: the README pairs a row that gave its key up with a new
   * copy of its issue, and Jira numbers on from the highest key left, so the copy may take the
   * lost key itself (simulation seed 32862). A restore never brings a lost issue back, so the
   * sync's copy there is a new one.
   */
  private static boolean newCopyUnderKey(LostPair p, String partner,
      InMemoryIssueTracker restored, List<SyncInfo> restoredRows) {
    boolean copy = restored.peek(p.key()).filter(i -> i.key().equals(p.key())
        && byTheSync(i.creator()) && i.originMarker() != null
        && i.originMarker().endsWith(":" + partner)).isPresent();
    return copy && restoredRows.stream().anyMatch(r -> r.id() != p.row()
        && r.localIssueKey().equals(p.key()) && partner.equals(r.remoteIssueKey())
        && !r.incomingChangesIgnored());
  }

  private static boolean byTheSync(String user) {
    return user != null && user.startsWith("sync-");
  }

  /** Every row of a side that ignores incoming changes is one a restore explains. */
  private void unlinksExplained(boolean sideA, List<SyncInfo> rows) {
    Set<String> own = sideA ? lostKeysA : lostKeysB;
    Set<String> there = sideA ? lostKeysB : lostKeysA;
    for (SyncInfo r : rows) {
      if (!r.incomingChangesIgnored()) {
        continue;
      }
      boolean explained = own.contains(r.localIssueKey())
          || r.remoteIssueKey() == null && !there.isEmpty()
          || there.contains(r.remoteIssueKey())
          || lost.stream().anyMatch(p -> p.sideA() != sideA
              && r.localIssueKey().equals(p.partner()));
      expect(explained, "pair " + r.localIssueKey() + " - " + r.remoteIssueKey()
          + " is unlinked, and no restore explains it (lost on " + (sideA ? "A " : "B ")
          + own + ", on the other side " + there + "): " + r);
    }
  }

  /**
   * A lost pair's partner, still the issue it was, ignores incoming changes, unless it is paired
   * again with a new copy ({@link #pairedAgain}), or is itself a person's issue under a key lost
   * in a restore of its own side (out of the JQL, say: no poll finds it, and it is not the issue
   * its row paired, so nothing of the pair reaches it to be unlinked; its own lost pair is
   * checked instead).
   */
  private void partnerUnlinked(LostPair p, InMemoryIssueTracker other,
      List<SyncInfo> otherRows, InMemoryIssueTracker restored, List<SyncInfo> restoredRows) {
    samePartner(p, other).filter(k -> !pairedAgain(p, k, otherRows, restored, restoredRows))
        .filter(k -> !((p.sideA() ? lostKeysB : lostKeysA).contains(k)
            && personsUnderLostKey(other, k).isPresent())).ifPresent(k -> {
      Optional<SyncInfo> row = otherRows.stream().filter(r -> r.localIssueKey().equals(k))
          .findFirst();
      expect(row.isPresent() && row.get().incomingChangesIgnored(), k + ", partner of "
          + p.key() + " lost in a restore of " + (p.sideA() ? "A" : "B") + ", is not unlinked: "
          + row.orElse(null));
    });
  }

  /** Whether no later restore of the same side lost the pair's key again. */
  private boolean latestOfItsKey(int index) {
    LostPair p = lost.get(index);
    return lost.subList(index + 1, lost.size()).stream()
        .noneMatch(q -> q.sideA() == p.sideA() && q.key().equals(p.key()));
  }

  /**
   * Nothing of the lost pair's partner (the one recorded, or one made for the lost issue since,
   * whose row names its key and is unlinked) reached the restored side; with a new copy of its
   * own, nothing reached the issue under the lost key, unless that issue is the copy.
   */
  private static void partnerNotCrossed(LostPair p, InMemoryIssueTracker restored,
      InMemoryIssueTracker other, List<SyncInfo> otherRows, List<SyncInfo> restoredRows) {
    Set<String> partners = new HashSet<>();
    samePartner(p, other).ifPresent(partners::add);
    otherRows.stream().filter(r -> r.incomingChangesIgnored() && p.key().equals(
        r.remoteIssueKey())).forEach(r -> partners.add(r.localIssueKey()));
    Map<String, String> onRestored = tokensOfSide(restored);
    Set<String> underKey = tokens(restored, p.key());
    for (String partner : partners) {
      // (paired again, its new copy has its tokens: one under the lost key is checked as any)
      boolean again = pairedAgain(p, partner, otherRows, restored, restoredRows);
      if (again && newCopyUnderKey(p, partner, restored, restoredRows)) {
        continue;
      }
      for (String token : tokens(other, partner)) {
        expect(again ? !underKey.contains(token) : !onRestored.containsKey(token), "\"" + token
            + "\" of " + partner + ", partner of " + p.key() + " lost in a restore, reached "
            + (again ? p.key() : onRestored.get(token)));
      }
    }
  }

  /**
   * Nothing of an issue a person made under the lost key reached the other side, and the sync
   * wrote nothing to it but links: a link the sync writes on a live pair's issue to the partner
   * of a lost issue's key, through the lost pair's row before any poll or message found the new
   * issue under the key (one out of the JQL, which no poll finds), lands on the new issue, and
   * Jira logs a link on both issues (as for an issue taken out of the JQL).
   */
  private static void newIssueNotCrossed(LostPair p, InMemoryIssueTracker restored,
      InMemoryIssueTracker other) {
    Optional<TrackedIssue> mine = personsUnderLostKey(restored, p.key());
    if (mine.isEmpty()) {
      return;
    }
    String key = p.key();
    String sync = restored.user();
    List<ChangelogEntry> written = restored.changelog(key).stream()
        .filter(e -> e.author().equals(sync) && !e.items().stream()
            .allMatch(i -> i.field().equals("issuelinks"))).toList();
    List<Comment> comments = restored.comments(key).stream()
        .filter(c -> byTheSync(c.author())).toList();
    List<Attachment> files = restored.attachments(key).stream()
        .filter(f -> byTheSync(f.author())).toList();
    expect(written.isEmpty() && comments.isEmpty() && files.isEmpty(), "the sync wrote to "
        + key + ", a person's issue under a key lost in a restore: " + written + " " + comments
        + " " + files);
    Map<String, String> onOther = tokensOfSide(other);
    for (String token : tokens(restored, key)) {
      expect(!onOther.containsKey(token), "\"" + token + "\" of " + key + ", a person's issue"
          + " under a key lost in a restore, reached " + onOther.get(token));
    }
  }

  /** Each token of every issue of a side, to the key of an issue that has it. */
  private static Map<String, String> tokensOfSide(InMemoryIssueTracker tracker) {
    Map<String, String> all = new TreeMap<>();
    for (TrackedIssue issue : tracker.allIssues()) {
      tokens(tracker, issue.key()).forEach(t -> all.putIfAbsent(t, issue.key()));
    }
    return all;
  }

  /**
   * What people wrote on an issue that no other issue has unless synced: every summary it had
   * (its changelog's), its comments' bodies and its attachments' names, each with a number only
   * one act of a person used.
   */
  private static Set<String> tokens(InMemoryIssueTracker tracker, String key) {
    Set<String> tokens = new HashSet<>();
    Optional<TrackedIssue> issue = tracker.peek(key).filter(i -> i.key().equals(key));
    if (issue.isEmpty()) {
      return tokens; // (lost since, in a restore of its own side)
    }
    tokens.add(issue.get().field("summary").asText());
    for (ChangelogEntry e : tracker.changelog(key)) {
      for (FieldChange c : e.items()) {
        if (c.field().equals("summary")) {
          tokens.add(c.from());
          tokens.add(c.to());
        }
      }
    }
    tracker.comments(key).forEach(c -> tokens.add(c.body()));
    tracker.attachments(key).forEach(f -> tokens.add(f.filename()));
    tokens.removeIf(t -> t == null || !PERSONS.matcher(t).matches());
    return tokens;
  }

  private static void expect(boolean condition, String what) {
    if (!condition) {
      throw new AssertionError(what);
    }
  }
}
