package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.backbonesync.core.guarantee.TestOnlySwitch;
import org.backbonesync.spi.internal.SmallMap;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.store.PendingChange;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.ChangelogEntry;
import org.backbonesync.spi.tracker.FieldChange;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * Reads an issue's values through the connector's outgoing mappings, and when a person last
 * changed each (from the changelog): what change detection, whole sends, resyncs and conflict
 * resolution weigh. Reads only; writes nothing.
 */
final class IssueValues {
  private final Connector connector;
  private final EngineSettings settings;

  IssueValues(Connector connector, EngineSettings settings) {
    this.connector = connector;
    this.settings = settings;
  }

  /** A mapping's export of a local issue: the value a message carries, or compares with. */
  JsonNode export(Connector.Outgoing out, TrackedIssue issue) {
    try {
      JsonNode value = MappingResults.exported(
          out.mapping().exportValue(issue, new Context(connector, out.id(), issue)),
          out.id(), connector.key(), issue.key());
      return connector.mentions.export(value);
    } catch (RuntimeException e) {
      throw MappingResults.exportFailed(e, out.id(), connector.key(), issue.key());
    }
  }

  /**
   * A change of a field: when, and by whom. A time before 1970 (an issue migrated from a legacy
   * tracker keeps its dates, placeholders like 1900-01-01 among them) is taken as 0, as old as a
   * message tells: a field value's time is 0 or more ({@code BackdatedIssueTest}).
   */
  record Change(long timestamp, String author) {
    Change {
      timestamp = Math.max(0, timestamp);
    }
  }

  /** The latest change per field, leaving out the sync user's own changes. */
  Map<String, Change> latestChanges(
      List<ChangelogEntry> entries, boolean includeSyncUser) {
    int items = 0; // (counted first: a map of about its size, growing past 8 fields only)
    for (int i = 0; i < entries.size(); i++) { // (by index, here and below: no iterators)
      items += entries.get(i).items().size();
    }
    Map<String, Change> latest = new SmallMap<>(Math.min(items, 8));
    for (int i = 0; i < entries.size(); i++) {
      ChangelogEntry entry = entries.get(i);
      if (!includeSyncUser && isEcho(entry)) {
        continue;
      }
      Change change = new Change(entry.timestamp(), entry.author()); // (one for its items)
      List<FieldChange> changed = entry.items();
      for (int j = 0; j < changed.size(); j++) {
        FieldChange item = changed.get(j);
        Change previous = latest.get(item.field());
        if (previous == null || previous.timestamp <= entry.timestamp()) {
          latest.put(item.field(), change);
        }
      }
    }
    return latest;
  }

  /** Whether any of the entries is an {@link #isEcho echo} (if none, both latest changes agree). */
  boolean anyEcho(List<ChangelogEntry> entries) {
    for (ChangelogEntry entry : entries) {
      if (isEcho(entry)) {
        return true;
      }
    }
    return false;
  }

  /** A change the sync user made (applying the partner's), which never goes back to it. */
  boolean isEcho(ChangelogEntry entry) {
    return connector.config.syncUser().equals(entry.author())
        && !settings.off(TestOnlySwitch.NO_ECHO_SUPPRESSION);
  }

  static Change latestOf(Connector.Outgoing out, Map<String, Change> latest) {
    Change newest = null;
    Set<String> fields = out.mapping().sourceFields();
    for (String field : fields) {
      Change c = latest.get(field);
      if (c != null && (newest == null || c.timestamp > newest.timestamp)) {
        newest = c;
      }
    }
    return newest;
  }

  /**
   * Where the changes of a row's issue not examined yet begin: at its last change seen, unless
   * that lies beyond {@link PollProgress#ceiling} at {@code now} and the issue's update time is
   * older (0 then: every change counts as not examined). The row then saw a time that the
   * issue's later changes, made at the right time, come before (an import's wrong date years
   * ahead), and they would wait until the clock passes it; examined again, a change already
   * sent sends nothing while its value is the synced one. A row whose last change seen is not
   * that far ahead is taken at its word: an imported row's (the import's time, later than the
   * changes before it, which it says are not to be sent) or a tracker's clock a little ahead.
   */
  static long unexaminedFrom(SyncInfo row, TrackedIssue issue, long now) {
    long seen = row.lastChangeSeen();
    return seen > PollProgress.ceiling(now) && issue.updated() < seen ? 0 : seen;
  }

  static long maxTimestamp(List<ChangelogEntry> entries) {
    long max = 0;
    for (int i = 0; i < entries.size(); i++) { // (by index: no iterator per issue examined)
      max = Math.max(max, entries.get(i).timestamp());
    }
    return max;
  }

  /**
   * A value an admin's resync sends. One the partner has already (the last synced value) is no
   * person's change: it carries time 0, so that a change a person made there meanwhile, not seen
   * here yet, wins over it and comes back (the time the sync user wrote it here, or a change of
   * ours the partner applied long ago, is not when anyone changed it now; and B's clock may be
   * behind A's); a change of ours with that value still on its way keeps its time (see {@link
   * Outbox#append}). Any other value is this side's change not sent yet: the time a person last
   * changed the field here; 0 when the sync user wrote it last (a partner's message applied, not
   * recorded yet).
   */
  FieldValue resynced(Connector.Outgoing out, JsonNode value, JsonNode synced,
      Supplier<Map<String, Change>> people) {
    String by = connector.config.syncUser();
    if (value.equals(synced)) {
      return new FieldValue(value, 0, by);
    }
    Change change = latestOf(out, people.get());
    boolean person = change != null && !connector.config.syncUser().equals(change.author);
    return new FieldValue(value, person ? change.timestamp : 0, by);
  }

  /**
   * A value sent whole: {@link #weighed}, or the time of a change of ours with that value still
   * on its way, if later (so that the partner weighs it the same however it gets it), or, if
   * later, a millisecond before the partner's change that a message just wrote here over a
   * person's change: it won here by its time, and so wins there against a value of no person
   * (time 0), while any change the partner made at that time or after, the same millisecond
   * included (where A would win the tie), still wins over its echo (simulation seed 67249373).
   *
   * @param applied the value a message just wrote to the field over a person's change, or null
   */
  FieldValue whole(JsonNode value, Change change, PendingChange pending, FieldValue applied,
      TrackedIssue issue) {
    FieldValue weighed = weighed(value, change, issue);
    if (pending != null && pending.holds(value) && pending.changedAt() > weighed.changedAt()) {
      weighed = new FieldValue(value, pending.changedAt(), connector.config.syncUser());
    }
    // (still the message's value: the sync user wrote the field last; the message's value is
    // in the partner's terms, which a mapping may translate)
    if (applied != null && change != null && connector.config.syncUser().equals(change.author)
        && applied.changedAt() - 1 > weighed.changedAt()) {
      weighed = new FieldValue(value, applied.changedAt() - 1, connector.config.syncUser());
    }
    return weighed;
  }

  /**
   * A value sent whole with when a person last changed it: the issue's creation when nobody
   * changed the field since, time 0 when the sync user wrote it last (or created the issue with
   * it). That value came from the partner (a message applied here); sent back whole after a row
   * was lost it is no person's change, and a person's edit on the other side, made meanwhile and
   * not seen here, must win over it (with the time the sync user wrote it, it won by arriving
   * later).
   */
  FieldValue weighed(JsonNode value, Change change, TrackedIssue issue) {
    long at = change == null ? Math.max(0, issue.created()) : change.timestamp;
    String by = change == null ? issue.creator() : change.author;
    return new FieldValue(value, connector.config.syncUser().equals(by) ? 0 : at, by);
  }

  /**
   * People's changes the outgoing queue has not examined yet (field to the time of its newest
   * one): the local changes not sent. Read only for a field whose local value differs from the
   * last synced one (no other can hold a change not sent), so a message that finds the issue as
   * the partner left it costs no changelog read. The poll read the issue and its changelog in
   * one snapshot and recorded the newest change time in it as lastChangeSeen, so every change
   * before that time was examined; but one in that same millisecond may have been made after
   * the snapshot, so entries at lastChangeSeen count too (the poll re-examines them as well).
   * A row that saw a time far ahead counts them all ({@link #unexaminedFrom}).
   */
  Map<String, Long> unsentChanges(SyncInfo row, TrackedIssue local, long now) {
    long from = unexaminedFrom(row, local, now);
    if (local.updated() < from) {
      return Map.of();
    }
    Map<String, Long> unsentAt = new SmallMap<>();
    for (ChangelogEntry entry : connector.tracker.changelog(local.key(), from)) {
      boolean ours = connector.config.syncUser().equals(entry.author());
      for (FieldChange item : entry.items()) {
        if (ours) {
          // written by the sync user since (a partner's message applied but not recorded yet,
          // then retried): the value there now is the partner's, no person's change
          unsentAt.remove(item.field());
        } else {
          unsentAt.merge(item.field(), Math.max(0, entry.timestamp()), Math::max);
        }
      }
    }
    return unsentAt;
  }
}
