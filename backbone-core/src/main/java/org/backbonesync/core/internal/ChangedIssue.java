package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.backbonesync.core.guarantee.TestOnlySwitch;
import org.backbonesync.core.internal.IssueValues.Change;
import org.backbonesync.spi.internal.SmallMap;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.ChangelogEntry;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One changed issue found by {@link ChangeDetection}: the fields people changed since the pair's
 * last change seen (not the sync user's echoes, not a value the partner has) and the content
 * flows' operations, handed as one message to the {@link Outbox}; a new issue, or one whose row
 * is gone, to the {@link Resender}. The page's messages, and the last change seen of rows with
 * nothing to send, go to the {@link ExaminedPage}, committed together at the page's end.
 */
final class ChangedIssue {
  private static final Logger log = LoggerFactory.getLogger(ChangedIssue.class);

  private final Connector connector;
  private final Stores stores;
  private final Clock clock;
  private final EngineSettings settings;
  private final Set<String> merging;
  private final IssueValues values;
  private final OutgoingContent content;
  private final Resender resender;

  ChangedIssue(Connector connector, Stores stores, Clock clock, EngineSettings settings,
      IssueValues values, OutgoingContent content, Resender resender) {
    this.connector = connector;
    this.stores = stores;
    this.clock = clock;
    this.settings = settings;
    this.merging = connector.merging;
    this.values = values;
    this.content = content;
    this.resender = resender;
    this.synced = new RowValues(stores);
  }

  /** The last synced values of the page's rows, read at once. */
  private final RowValues synced;

  /**
   * Reads at once the last synced values of the rows about to be examined whose issues have a
   * person's change to compare with them (their pairs claimed, so no apply changes them
   * meanwhile); a row not read here is read when examined.
   *
   * @param rows the rows by position in the page, null for an issue without one
   */
  void readValues(List<IssueChanges> issues, List<SyncInfo> rows) {
    synced.clear();
    if (issues.size() < 2) {
      return; // (one row is read when examined: a query either way)
    }
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < issues.size(); i++) {
      SyncInfo row = rows.get(i);
      if (row != null
          && !values.latestChanges(fresh(issues.get(i), row), false).isEmpty()) {
        ids.add(row.id());
      }
    }
    synced.read(ids, false);
  }

  /** The last synced values read by {@link #readValues}, by row id (see {@link RowValues}). */
  Map<Long, Map<String, JsonNode>> valuesRead() {
    return synced.syncedAsRead();
  }

  /** Forgets the values read at once and not used. */
  void forgetValues() {
    synced.clear();
  }

  /**
   * Builds and queues the message for one changed issue, if it has changes to send.
   *
   * @param row the issue's sync information, null when it has none
   * @param since where the search started: the changelog is whole from there on
   * @param page where a paired issue's message, or its row's advance, waits for the page's end
   * @param failed told when the message of a paired issue, committed with the page's others,
   *     could not be queued (nothing of it was)
   */
  boolean examine(IssueChanges changes, SyncInfo row, long since, ExaminedPage page,
      Consumer<RuntimeException> failed) {
    TrackedIssue issue = changes.issue();
    if (!connector.inProject(issue.key())) {
      log.warn("{}: tracker returned {} outside project {}; ignored",
          connector.key(), issue.key(), connector.config.projectKey());
      return false;
    }
    if (row == null) {
      String partner = connector.partnerInMarker(issue.originMarker());
      return partner == null ? resender.sendNew(changes, since, null)
          : resender.restorePair(changes, since, partner);
    }
    return queueChanges(row, changes, page, failed);
  }

  /**
   * The values of the fields a person changed in {@code fresh}, with when and by whom: not one
   * the partner has already (an echo, or a change undone), not one the sync user wrote after.
   */
  private Map<String, FieldValue> changedValues(SyncInfo info, TrackedIssue issue,
      List<ChangelogEntry> fresh) {
    Map<String, Change> latest = values.latestChanges(fresh, false);
    Map<String, FieldValue> fields = new SmallMap<>(latest.size());
    if (latest.isEmpty()) {
      return fields;
    }
    Map<String, JsonNode> synced = this.synced.synced(info.id());
    Map<String, Change> latestOfAll =
        values.anyEcho(fresh) ? values.latestChanges(fresh, true) : latest;
    boolean suppress = !settings.off(TestOnlySwitch.NO_ECHO_SUPPRESSION);
    for (Connector.Outgoing out : connector.outgoing) {
      Change change = IssueValues.latestOf(out, latest);
      if (change == null) {
        continue;
      }
      JsonNode value = values.export(out, issue);
      if (value.equals(synced.get(out.id())) && suppress) {
        continue; // the partner has this value already: an echo or a change undone
      }
      Change last = IssueValues.latestOf(out, latestOfAll);
      if (suppress && connector.config.syncUser().equals(last.author())
          && !merging.contains(out.id())) {
        // the sync user wrote the field after the person (a partner's message applied but
        // not recorded yet, e.g. retried): its value is the partner's, not this person's
        // (a value both sides add to, merged labels, is the person's too)
        continue;
      }
      fields.put(out.id(), new FieldValue(value, change.timestamp(), change.author()));
    }
    return fields;
  }

  /**
   * Whether examining a paired issue would change nothing: no message, no link forgotten, its
   * last change seen where it is. Reads only (the stores and the snapshot given), so it needs
   * neither the poll lease nor the pair's claim: it decides as {@link #examine} would.
   */
  boolean changesNothing(IssueChanges changes, SyncInfo info) {
    List<ChangelogEntry> fresh = fresh(changes, info);
    return lastSeen(changes.issue(), info, fresh) == info.lastChangeSeen()
        && changedValues(info, changes.issue(), fresh).isEmpty()
        && content.collect(changes, info.id()).isEmpty();
  }

  /**
   * Which of these issues, each with its row (null for none), {@link #changesNothing change
   * nothing}, by position: judged from these reads alone, so without the pairs' claims, as
   * {@link IdleLook} judges. Only an issue whose snapshot shows nothing after its row's last
   * change seen can (a poll seeing again the change it examined last); the synced values of those
   * are read at once and forgotten after. An issue whose judging fails is not unchanged.
   */
  boolean[] unchanged(List<IssueChanges> issues, List<SyncInfo> rows) {
    boolean[] unchanged = new boolean[issues.size()];
    List<IssueChanges> seen = new ArrayList<>();
    List<SyncInfo> seenRows = new ArrayList<>();
    for (int i = 0; i < unchanged.length; i++) {
      SyncInfo row = rows.get(i);
      IssueChanges changes = issues.get(i);
      if (row != null && lastSeen(changes.issue(), row, fresh(changes, row))
          == row.lastChangeSeen()) {
        seen.add(changes);
        seenRows.add(row);
        unchanged[i] = true; // (until examined below)
      }
    }
    if (seen.isEmpty()) {
      return unchanged;
    }
    readValues(seen, seenRows);
    try {
      for (int i = 0; i < unchanged.length; i++) {
        unchanged[i] = unchanged[i] && changesNothingOrFails(issues.get(i), rows.get(i));
      }
      return unchanged;
    } finally {
      forgetValues();
    }
  }

  /**
   * Whether examining the issue would change nothing; false when judging fails (a mapping that
   * throws, a tracker read refused): the issue then goes the way of one with changes, where its
   * examination fails and is reported for that issue alone, and the page's others go on.
   */
  private boolean changesNothingOrFails(IssueChanges changes, SyncInfo info) {
    try {
      return changesNothing(changes, info);
    } catch (RuntimeException e) {
      if (StoreDown.is(e)) {
        throw e; // (the store's, not the issue's: the page ends)
      }
      return false;
    }
  }

  /**
   * The entries not examined yet: the changelog itself when all are (immutable: {@link
   * IssueChanges} copies it), so most issues copy nothing; by index, without an iterator (a list
   * and an iterator per issue examined, and per issue a poll finds again, were about a hundredth
   * of what a change allocated, {@code TwoNodeBenchmark}, JFR).
   */
  private List<ChangelogEntry> fresh(IssueChanges changes, SyncInfo info) {
    List<ChangelogEntry> changelog = changes.changelog();
    long from = IssueValues.unexaminedFrom(info, changes.issue(), clock.millis());
    // ">=": an entry in the same millisecond as the last one seen may have been written after
    // that poll; re-examining one already sent costs nothing, its value equals the synced one.
    int n = changelog.size();
    int stale = 0;
    for (int i = 0; i < n; i++) {
      if (changelog.get(i).timestamp() < from) {
        stale++;
      }
    }
    if (stale == 0) {
      return changelog;
    }
    List<ChangelogEntry> fresh = new ArrayList<>(n - stale);
    for (int i = 0; i < n; i++) {
      ChangelogEntry entry = changelog.get(i);
      if (entry.timestamp() >= from) {
        fresh.add(entry);
      }
    }
    return fresh;
  }

  /**
   * The row's new last change seen. The issue and its changelog come in one snapshot: every
   * change up to its "updated" time has been examined now, even one that wrote no changelog
   * entry (a create, a comment).
   */
  private static long lastSeen(TrackedIssue issue, SyncInfo info, List<ChangelogEntry> fresh) {
    return Math.max(info.lastChangeSeen(),
        Math.max(IssueValues.maxTimestamp(fresh), issue.updated()));
  }

  private boolean queueChanges(SyncInfo info, IssueChanges changes, ExaminedPage page,
      Consumer<RuntimeException> failed) {
    TrackedIssue issue = changes.issue();
    List<ChangelogEntry> fresh = fresh(changes, info);
    long lastSeen = lastSeen(issue, info, fresh);
    Map<String, FieldValue> fields = changedValues(info, issue, fresh);
    Map<String, ContentFlow.Out> content = this.content.collect(changes, info.id());
    forgetOnlyLinks(content, info.id());
    if (fields.isEmpty() && content.isEmpty()) {
      if (lastSeen != info.lastChangeSeen()) {
        // recorded with the page's others
        page.advance(info.id(), lastSeen, Math.min(issue.updated(), info.lastChangeSeen()));
      }
      return false;
    }
    Outbox.Draft draft =
        new Outbox.Draft(issue, MessageKind.CHANGE, fields, content, lastSeen, false);
    page.queue(info, draft, clock.millis(), failed);
    return true;
  }

  /**
   * Stores at once the links of flows that have no operation to send (only copies were deleted
   * here: their links are forgotten) and leaves the others to go with the message.
   */
  private void forgetOnlyLinks(Map<String, ContentFlow.Out> content, long rowId) {
    List<ContentFlow.Out> onlyLinks = new ArrayList<>();
    content.values().removeIf(out -> out.ops().isEmpty() && onlyLinks.add(out));
    if (!onlyLinks.isEmpty()) {
      stores.inTransaction(() -> onlyLinks.forEach(out ->
          out.links().applyTo(stores.syncInfo(), rowId)));
    }
  }
}
