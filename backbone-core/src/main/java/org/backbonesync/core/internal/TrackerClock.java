package org.backbonesync.core.internal;

import java.util.OptionalLong;
import org.backbonesync.spi.tracker.IssueTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a connector's polls ask the tracker's clock ({@link IssueTracker#serverTime}), which lets a
 * poll move the watermark past issues it only read again. Without it the watermark stays at the
 * newest update found, and every later search starts an overlap before it: after a burst of 400
 * changes, each idle poll read those 400 again (four pages, and the lease) for as long as nothing
 * newer changed.
 *
 * <p>A leased poll asks before its search when what it will read again could leave the window:
 * the poll before it here found only issues it had examined, or its look handed it a page of
 * such, and the oldest of them is an overlap old. The engine's clock only says when to ask,
 * never how far the watermark moves; the tracker is asked at most once per overlap, so a
 * connector whose last changes stay in the window costs a leased poll and one request per
 * overlap until they leave it, and then its looks read empty pages. A busy connector's polls
 * find new issues and ask nothing; a tracker that cannot tell is not asked again. Used under the
 * poll's monitor.
 */
final class TrackerClock {
  private static final Logger log = LoggerFactory.getLogger(TrackerClock.class);

  private final String connectorKey;
  private final IssueTracker tracker;
  private final long overlapMillis;
  /** Whether the tracker tells its time; null until asked (a failed ask tells nothing). */
  private Boolean tells;
  /** Whether the last leased poll here found issues, none newer than its watermark. */
  private boolean reReading;
  /** The oldest update that poll read again. */
  private long reReadFrom;
  /** Whether a look handed its old issues to the next leased poll, which asks then. */
  private boolean handedOver;
  /** When (by this node's clock) the tracker was last asked; never yet. */
  private long lastAsked = Long.MIN_VALUE;

  TrackerClock(String connectorKey, IssueTracker tracker, long overlapMillis) {
    this.connectorKey = connectorKey;
    this.tracker = tracker;
    this.overlapMillis = overlapMillis;
  }

  /**
   * Whether a look that finds only issues examined before hands them to a leased poll, which may
   * move the watermark past them: the oldest of them is an overlap old and the tracker may be
   * asked (see {@link #mayAsk}).
   *
   * @param oldest the oldest update among them
   */
  boolean handsOverOld(long now, long oldest) {
    if (!mayAsk(now) || !leavesWindow(now, oldest)) {
      return false;
    }
    handedOver = true;
    return true;
  }

  /**
   * The tracker's time, asked before a leased poll's search when the poll may read only issues
   * it examined before that its time would move the watermark past (a look handed them over, or
   * the last poll read only such and the oldest is an overlap old); else empty.
   */
  OptionalLong beforeSearch(long now) {
    boolean ask = handedOver || reReading && leavesWindow(now, reReadFrom) && mayAsk(now);
    handedOver = false;
    if (!ask) {
      return OptionalLong.empty();
    }
    lastAsked = now;
    OptionalLong time;
    try {
      time = tracker.serverTime();
    } catch (RuntimeException e) { // (the poll goes on; the watermark moves as before)
      log.debug("{}: the tracker's time is unknown; the watermark stays at the newest update: {}",
          connectorKey, e.toString());
      return OptionalLong.empty();
    }
    tells = time.isPresent();
    return time;
  }

  /**
   * Whether the tracker may be asked: it has not said it cannot tell, and was not asked for an
   * overlap (a search after a move still reads what changed in the overlap before it, and a
   * tracker's search may start earlier still, as JQL does at the minute: asking again sooner
   * would move the watermark by less than it costs).
   */
  private boolean mayAsk(long now) {
    return !Boolean.FALSE.equals(tells)
        && (lastAsked == Long.MIN_VALUE || now - lastAsked >= overlapMillis);
  }

  /**
   * Whether an issue updated at {@code updated} would leave the search's window if the watermark
   * moved to the tracker's time: by this node's clock, it is an overlap old (a clock behind the
   * tracker's asks later, one ahead asks in vain, at most once per poll).
   */
  private boolean leavesWindow(long now, long updated) {
    return now - overlapMillis > updated;
  }

  /**
   * A leased poll read its whole search.
   *
   * @param reReadOnly whether it found issues, none newer than its watermark
   * @param oldest the oldest update among the issues it found
   */
  void polled(boolean reReadOnly, long oldest) {
    reReading = reReadOnly;
    reReadFrom = oldest;
  }
}
