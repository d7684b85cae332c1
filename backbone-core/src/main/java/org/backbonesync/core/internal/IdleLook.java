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
 * whole poll (no lease taken and given back, no watermark stored again, no stamp taken: a node
 * serving many idle synchronizations writes nothing). Otherwise the caller polls under the lease
 * from this page, the search it does not make again, unless another node's poll moved the
 * watermark meanwhile. Another node may also have examined newer snapshots of the page's issues
 * meanwhile (a hinted detection, or a poll that left the watermark where it was): the rows it
 * wrote are stamped after this search began, so the leased poll leaves those issues for the next
 * poll, as it does for its own search ({@link PageTriage}, {@code StaleSnapshotTest}). Skipping
 * is safe however stale the read: the watermark stays, so the next poll's search finds whatever
 * this one misjudged. When more pages follow a first page of issues none newer than the
 * watermark (a burst read again), the leased poll may ask the tracker's time to move the
 * watermark past them ({@link TrackerClock}).
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

  /**
   * What a look found: the whole poll when nothing is to do, else null (the caller polls under
   * the lease, asking the tracker's time first when {@code askTime}, to move the watermark past
   * {@code oldest}: see {@link TrackerClock}).
   *
   * @param page the page the look read, for the leased poll to start from while the watermark is
   *     still {@code watermark}; null when the poll searches anew
   * @param searched when the look's search began: the leased poll leaves an issue whose row was
   *     written since ({@link PageTriage}), as for its own search
   */
  record Looked(PollResult idle, boolean askTime, long oldest, ChangePage page,
      SearchStart searched, long watermark) {
    static final Looked POLL = new Looked(null, false, 0, null, null, 0);

    /** Nothing to do: the look was the whole poll. */
    static Looked idle(PollResult result) {
      return new Looked(result, false, 0, null, null, 0);
    }

    /** The leased poll starts from the look's page. */
    static Looked startFrom(ChangePage page, SearchStart searched, long watermark) {
      return new Looked(null, false, 0, page, searched, watermark);
    }

    /** The page the look read, when the leased poll found the watermark still there; else null. */
    ChangePage pageFrom(long leasedWatermark) {
      return page != null && leasedWatermark == watermark ? page : null;
    }
  }

  /** Looks at the first page of the change search (see the class comment). */
  Looked look() {
    String key = connector.key();
    OptionalLong watermark = stores.watermarks().watermark(key);
    if (watermark.isEmpty()) {
      return Looked.POLL;
    }
    long since = ChangeDetection.searchFrom(watermark.getAsLong(), settings);
    SearchStart searched = SearchStart.now(stores, clock);
    ChangePage page = connector.tracker.findUpdatedSince(since, connector.config.jql(),
        settings.pollPageSize(), null);
    Looked poll = Looked.startFrom(page, searched, watermark.getAsLong());
    List<String> keys = new ArrayList<>(page.issues().size());
    long oldest = Long.MAX_VALUE;
    // (an issue dated beyond it never moves the watermark, so it is newer than it at every
    // look: it is examined as the others, or every idle poll would take the lease: helper-94)
    long ceiling = PollProgress.ceiling(clock.millis());
    for (IssueChanges changes : page.issues()) {
      TrackedIssue issue = changes.issue();
      if (issue.updated() > watermark.getAsLong() && issue.updated() <= ceiling
          || !connector.inProject(issue.key())) {
        return poll;
      }
      keys.add(issue.key());
      oldest = Math.min(oldest, issue.updated());
    }
    if (page.nextPageToken() != null) {
      // A full page of the search's oldest issues, none newer than the watermark: the leased
      // poll reads them all again, unless it moves the watermark past them. Or none at all, more
      // pages after it: a tracker whose search starts earlier than asked (JQL at the minute)
      // left out what it read from before the start, older still (IdleAfterBurstTest).
      long past = keys.isEmpty() ? Long.MIN_VALUE : oldest;
      return new Looked(null, trackerClock.asksPast(clock.millis(), past), past, null, null, 0);
    }
    Map<String, SyncInfo> rows = stores.syncInfo().findByLocalKeys(key, keys);
    if (rows.size() < keys.size() || !changeNothing(page.issues(), rows)) {
      return poll;
    }
    events.polled(key, page.issues().size(), 0);
    return Looked.idle(new PollResult(page.issues().size(), 0, 1));
  }

  /** Whether examining these issues, each with its row, would change nothing. */
  private boolean changeNothing(List<IssueChanges> issues, Map<String, SyncInfo> rows) {
    for (boolean unchanged : examiner.unchanged(issues,
        issues.stream().map(changes -> rows.get(changes.issue().key())).toList())) {
      if (!unchanged) {
        return false;
      }
    }
    return true;
  }
}
