package org.backbonesync.core.internal;

import java.util.OptionalLong;
import org.backbonesync.spi.tracker.IssueTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a connector's polls ask the tracker's clock ({@link IssueTracker#serverTime}), and how far
 * it lets the watermark move. Without it the watermark stays at the newest update found, and
 * every later search starts an overlap before it: after a burst of 250 changes, each idle poll
 * read those 250 again (a look and three pages under the lease) for as long as nothing newer
 * changed.
 *
 * <p>The watermark moves only to the tracker's time less a margin of {@value #MARGIN_OVERLAPS}
 * overlaps, never to the time itself: the newest update
 * found is a time the search has shown, and a change before it that the index shows late only
 * needs the overlap when the index shows changes in order, however late; the tracker's time is
 * not, so a search that shows a change more than the margin and an overlap late, or a tracker
 * whose nodes' clocks differ by more, would lose it. After a burst, polls read it again for about
 * ten overlaps, then not at all.
 *
 * <p>Only a look whose first page is full (more pages follow) of issues none newer than the
 * watermark, the oldest older than the margin and an overlap, makes its leased poll ask: a look of
 * one page costs one search however many issues it holds, as an empty one does. The engine's clock only says when to ask,
 * never how far the watermark moves. The tracker is asked at most once per overlap (at least a
 * minute), and when the oldest issue is still there after an ask (a tracker whose search starts
 * earlier than asked: JQL at the minute, a sync user without a time zone a day early), the wait
 * doubles up to {@value #MAX_WAIT_DOUBLINGS} times. A tracker that cannot tell is not asked again.
 * Used under the poll's monitor.
 */
final class TrackerClock {
  private static final Logger log = LoggerFactory.getLogger(TrackerClock.class);
  static final int MARGIN_OVERLAPS = 9;
  static final long MIN_WAIT_MILLIS = 60_000;
  static final int MAX_WAIT_DOUBLINGS = 6;

  private final String connectorKey;
  private final IssueTracker tracker;
  private final long overlapMillis;
  private final long marginMillis;
  private final long baseWaitMillis;
  /** Whether the tracker tells its time; null until asked (a failed ask tells nothing). */
  private Boolean tells;
  /** When (by this node's clock) the tracker was last asked; never yet. */
  private long lastAsked = Long.MIN_VALUE;
  /** The oldest update the last ask meant to move past. */
  private long oldestAsked;
  /** The wait before the next ask. */
  private long waitMillis;

  TrackerClock(String connectorKey, IssueTracker tracker, long overlapMillis) {
    this.connectorKey = connectorKey;
    this.tracker = tracker;
    this.overlapMillis = overlapMillis;
    this.marginMillis = MARGIN_OVERLAPS * overlapMillis;
    this.baseWaitMillis = Math.max(MIN_WAIT_MILLIS, overlapMillis);
    this.waitMillis = baseWaitMillis;
  }

  /**
   * Whether a leased poll should ask the tracker's time to move the watermark past a full first
   * page of issues none newer than the watermark: the oldest of them is older than the margin
   * and an overlap, and the tracker may be asked now.
   *
   * @param oldest the oldest update among them; {@code Long.MIN_VALUE} for a page the tracker
   *     left empty (what it read was older than the search start)
   */
  boolean asksPast(long now, long oldest) {
    return !Boolean.FALSE.equals(tells)
        && now - overlapMillis - marginMillis > oldest
        && (lastAsked == Long.MIN_VALUE || now - lastAsked >= waitMillis);
  }

  /**
   * Asks the tracker's time before a leased poll's search, when its look said so ({@link
   * #asksPast}): the time less the margin, up to which the watermark may move.
   *
   * @param oldest the oldest update the look meant to move past
   */
  OptionalLong beforeSearch(long now, long oldest) {
    boolean stillThere = lastAsked != Long.MIN_VALUE && oldest <= oldestAsked;
    waitMillis = stillThere ? Math.min(2 * waitMillis, baseWaitMillis << MAX_WAIT_DOUBLINGS)
        : baseWaitMillis;
    lastAsked = now;
    oldestAsked = oldest;
    OptionalLong time;
    try {
      time = tracker.serverTime();
    } catch (RuntimeException e) { // (the poll goes on; the watermark moves as before)
      log.debug("{}: the tracker's time is unknown; the watermark stays at the newest update: {}",
          connectorKey, e.toString());
      return OptionalLong.empty();
    }
    tells = time.isPresent();
    return time.isPresent() ? OptionalLong.of(time.getAsLong() - marginMillis) : time;
  }
}
