package org.backbonesync.core.internal;

import java.util.ArrayList;
import java.util.List;
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
  /** The latest update beyond which an issue's does not move the watermark. */
  private final long ceiling;
  /** The issue with the newest update beyond the ceiling, if any. */
  private IssueChanges future;
  /** The keys of issues left because an apply held their pairs, or wrote them since the search. */
  private List<String> leftBusy = List.of();
  private List<String> leftWritten = List.of();

  /**
   * @param ceiling the engine's time and {@link #FUTURE}: an issue updated later (a tracker
   *     node's clock a day or years ahead, an import's wrong date) does not move the watermark, or
   *     every later search would start after every real change (helper-90: nothing synced
   *     again); it is found by every search until then, and told ({@link #future()})
   */
  PollProgress(long watermark, long since, long ceiling) {
    this.watermark = watermark;
    this.newest = watermark;
    this.since = since;
    this.ceiling = ceiling;
  }

  /**
   * How far an issue's update may be ahead of the engine's clock and still move the watermark:
   * five minutes, beyond the usual difference of two synchronized clocks. An issue further ahead
   * is read again by every poll until the engine's clock is that close (a tracker whose clock
   * runs ahead of the engine's by more has its newest issues read again for that long: work, no
   * change lost); one less far ahead can hide other changes for at most that long.
   */
  static final long FUTURE = 5 * 60 * 1000L;

  /** The latest update that moves the watermark at this time of the engine's clock. */
  static long ceiling(long now) {
    return now > Long.MAX_VALUE - FUTURE ? Long.MAX_VALUE : now + FUTURE;
  }

  /** An issue was passed (examined or left): the watermark may move up to its update. */
  void passed(IssueChanges changes) {
    long updated = changes.issue().updated();
    if (updated <= ceiling) {
      newest = Math.max(newest, updated);
    } else if (future == null || updated > future.issue().updated()) {
      future = changes;
    }
  }

  /** The issue updated furthest beyond the ceiling, or null when none was. */
  IssueChanges future() {
    return future;
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

  /** As {@link #leave}, for an issue whose pair another step (an apply) holds now. */
  void leaveBusy(IssueChanges changes, SyncInfo row) {
    leave(changes, row);
    leftBusy = added(leftBusy, changes.issue().key());
  }

  /** As {@link #leave}, for an issue an apply wrote after the search read it. */
  void leaveWritten(IssueChanges changes, SyncInfo row) {
    leave(changes, row);
    leftWritten = added(leftWritten, changes.issue().key());
  }

  private static List<String> added(List<String> keys, String key) {
    List<String> more = keys.isEmpty() ? new ArrayList<>() : keys;
    more.add(key);
    return more;
  }

  /** The keys of the issues left because another step held their pairs. */
  List<String> leftBusy() {
    return leftBusy;
  }

  /** The keys of the issues left because an apply wrote them after the search read them. */
  List<String> leftWritten() {
    return leftWritten;
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
