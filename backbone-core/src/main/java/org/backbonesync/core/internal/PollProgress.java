package org.backbonesync.core.internal;

import org.backbonesync.core.PollResult;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.IssueChanges;

/**
 * What one poll (or hinted detection) of {@link ChangeDetection} has done so far: its counts,
 * the newest update it found, how far the tracker's time lets the watermark move, and the oldest
 * change of an issue it left for the next poll, which the watermark must not pass. Used by the
 * poll's thread only.
 */
final class PollProgress {
  int found;
  int queued;
  int pages;
  /** Where this poll's search starts: each issue's changelog is whole from there on. */
  final long since;
  /** Whether a row left as written since the search had its stamp checked against the store's. */
  boolean counterChecked;
  /** The watermark the poll started from. */
  private final long watermark;
  /** The newest update among the issues found. */
  private long newest;
  /** How far the tracker's time lets the watermark move ({@link TrackerClock}); else 0. */
  private long movableTo;
  /** The oldest change not examined of an issue left for the next poll, if any. */
  private long firstLeft = Long.MAX_VALUE;

  PollProgress(long watermark, long since) {
    this.watermark = watermark;
    this.newest = watermark;
    this.since = since;
  }

  /** An issue was passed (examined or left): the watermark may move up to its update. */
  void passed(IssueChanges changes) {
    newest = Math.max(newest, changes.issue().updated());
  }

  /** Changes from {@code millis} on are examined by the next poll. */
  void leaveFrom(long millis) {
    firstLeft = Math.min(firstLeft, millis);
  }

  /**
   * An issue is examined by the next poll, from the time it has changes not examined yet: the
   * next poll's search must start there (less the overlap), since its changelog starts where the
   * search does. For a paired issue that is the last change seen, which can be far older than
   * the issue's update time: holding the watermark only at that time let a later poll's
   * changelog start after a person's change that was never examined, and the change was lost.
   * A new issue is sent whole, whatever its changelog holds: its update time is enough.
   */
  void leave(IssueChanges changes, SyncInfo row) {
    long updated = changes.issue().updated();
    leaveFrom(row == null ? updated : Math.min(updated, row.lastChangeSeen()));
  }

  /**
   * The watermark may move up to {@code time} once the whole search is read: the tracker's time
   * before the search, less {@link TrackerClock}'s margin.
   */
  void movableTo(long time) {
    this.movableTo = time;
  }

  /**
   * Where the watermark goes after the whole search: to the newest update found, or where the
   * tracker's time lets it move when that is later; never past an issue left.
   */
  long newWatermark() {
    long reached = Math.max(newest, movableTo);
    return firstLeft == Long.MAX_VALUE ? reached
        : Math.max(watermark, Math.min(reached, firstLeft));
  }

  PollResult result() {
    return new PollResult(found, queued, pages);
  }
}
