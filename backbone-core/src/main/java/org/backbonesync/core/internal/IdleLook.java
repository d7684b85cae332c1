package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.backbonesync.core.PollResult;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * A connector's poll that writes nothing when nothing changed: one page of the change search,
 * read without the poll lease, and when every issue in it is paired, not newer than the
 * watermark, and {@link ChangedIssue#changesNothing examined with nothing to change}, that is the
 * whole poll (no lease taken and given back, no watermark stored again: a node serving many idle
 * synchronizations writes nothing). Otherwise the caller polls under the lease from the start,
 * searching again, since another node may have polled between this read and the lease. Skipping
 * is safe however stale the read: the watermark stays, so the next poll's search finds whatever
 * this one misjudged. A page of issues examined before, an overlap old, goes to a leased poll
 * that asks the tracker's time ({@link TrackerClock}): it may move the watermark past them, so
 * later looks read empty pages.
 */
final class IdleLook {
  private final Connector connector;
  private final Stores stores;
  private final Events events;
  private final EngineSettings settings;
  private final ChangedIssue examiner;
  private final Clock clock;
  private final TrackerClock trackerClock;

  IdleLook(Connector connector, Stores stores, Clock clock, Events events,
      EngineSettings settings, ChangedIssue examiner, TrackerClock trackerClock) {
    this.connector = connector;
    this.stores = stores;
    this.clock = clock;
    this.trackerClock = trackerClock;
    this.events = events;
    this.settings = settings;
    this.examiner = examiner;
  }

  /** The whole poll when nothing is to do; else null: the caller polls under the lease. */
  PollResult look() {
    String key = connector.key();
    OptionalLong watermark = stores.watermarks().watermark(key);
    if (watermark.isEmpty()) {
      return null;
    }
    long since = ChangeDetection.searchFrom(watermark.getAsLong(), settings);
    ChangePage page = connector.tracker.findUpdatedSince(since, connector.config.jql(),
        settings.pollPageSize(), null);
    List<String> keys = new ArrayList<>(page.issues().size());
    for (IssueChanges changes : page.issues()) {
      TrackedIssue issue = changes.issue();
      if (issue.updated() > watermark.getAsLong() || !connector.inProject(issue.key())) {
        return null;
      }
      keys.add(issue.key());
    }
    if (page.nextPageToken() != null) {
      asksPast(page); // (the oldest of the search: the leased poll reads the rest)
      return null;
    }
    Map<String, SyncInfo> rows = stores.syncInfo().findByLocalKeys(key, keys);
    if (rows.size() < keys.size()) {
      return null;
    }
    examiner.readValues(page.issues(),
        page.issues().stream().map(changes -> rows.get(changes.issue().key())).toList());
    try {
      for (IssueChanges changes : page.issues()) {
        if (!examiner.changesNothing(changes, rows.get(changes.issue().key()))) {
          return null;
        }
      }
    } finally {
      examiner.forgetValues();
    }
    if (asksPast(page)) {
      return null; // a leased poll may move the watermark past them
    }
    events.polled(key, page.issues().size(), 0);
    return new PollResult(page.issues().size(), 0, 1);
  }

  /**
   * Whether the next leased poll asks the tracker's time, to move the watermark past the
   * issues of this page, all examined before ({@link TrackerClock}).
   */
  private boolean asksPast(ChangePage page) {
    OptionalLong oldest = page.issues().stream().mapToLong(c -> c.issue().updated()).min();
    return oldest.isPresent() && trackerClock.askNextPoll(clock.millis(), oldest.getAsLong());
  }
}
