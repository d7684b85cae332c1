package org.backbonesync.core.internal;

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
 * synchronizations writes nothing). Otherwise the caller polls under the lease, starting from the
 * page read here when the watermark is still the one it was read from (no other node polled
 * meanwhile), so that a change costs one search, not two; when the watermark moved, it searches
 * again. Skipping is safe however stale the read: the watermark stays, so the next poll's search
 * finds whatever this one misjudged. Starting from it is as safe as a slow search: the new
 * watermark comes from the page's issues, so a change made after the read is newer than it.
 */
final class IdleLook {
  private final Connector connector;
  private final Stores stores;
  private final Events events;
  private final EngineSettings settings;
  private final ChangedIssue examiner;

  IdleLook(Connector connector, Stores stores, Events events, EngineSettings settings,
      ChangedIssue examiner) {
    this.connector = connector;
    this.stores = stores;
    this.events = events;
    this.settings = settings;
    this.examiner = examiner;
  }

  /**
   * What a look found: the whole poll ({@code idle}) when nothing is to do; else the first page
   * of the search ({@code page}, null if none was read) and the watermark it searched from.
   */
  record Seen(PollResult idle, ChangePage page, long watermark) {
    static final Seen NOTHING = new Seen(null, null, 0);

    /** The page, if a poll under the lease that reads this watermark may start from it. */
    ChangePage pageFrom(OptionalLong watermarkNow) {
      return page != null && watermarkNow.isPresent() && watermarkNow.getAsLong() == watermark
          ? page : null;
    }
  }

  /** Looks at the first page of the change search without the lease. */
  Seen look() {
    String key = connector.key();
    OptionalLong watermark = stores.watermarks().watermark(key);
    if (watermark.isEmpty()) {
      return Seen.NOTHING;
    }
    long since = ChangeDetection.searchFrom(watermark.getAsLong(), settings);
    ChangePage page = connector.tracker.findUpdatedSince(since, connector.config.jql(),
        settings.pollPageSize(), null);
    return nothingToDo(key, page, watermark.getAsLong())
        ? new Seen(new PollResult(page.issues().size(), 0, 1), null, 0)
        : new Seen(null, page, watermark.getAsLong());
  }

  private boolean nothingToDo(String key, ChangePage page, long watermark) {
    if (page.nextPageToken() != null) {
      return false;
    }
    List<String> keys = new ArrayList<>(page.issues().size());
    for (IssueChanges changes : page.issues()) {
      TrackedIssue issue = changes.issue();
      if (issue.updated() > watermark || !connector.inProject(issue.key())) {
        return false;
      }
      keys.add(issue.key());
    }
    Map<String, SyncInfo> rows = stores.syncInfo().findByLocalKeys(key, keys);
    if (rows.size() < keys.size()) {
      return false;
    }
    examiner.readValues(page.issues(),
        page.issues().stream().map(changes -> rows.get(changes.issue().key())).toList());
    try {
      for (IssueChanges changes : page.issues()) {
        if (!examiner.changesNothing(changes, rows.get(changes.issue().key()))) {
          return false;
        }
      }
    } finally {
      examiner.forgetValues();
    }
    events.polled(key, page.issues().size(), 0);
    return true;
  }
}
