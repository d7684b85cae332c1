package org.backbonesync.core.internal;

import java.util.OptionalLong;
import org.backbonesync.spi.tracker.IssueTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a connector's polls ask the tracker's clock ({@link IssueTracker#serverTime}), which lets a
 * poll move the watermark past issues it only reads again. Without it the watermark stays at the
 * newest update found, and every later search starts an overlap before it: after a burst of 250
 * changes, each idle poll read those 250 again (a look and three pages under the lease) for as
 * long as nothing newer changed.
 *
 * <p>The look before a poll's lease decides: when the oldest issues of its search (its first
 * page, searches return the oldest first) are all ones examined before and an overlap old, the
 * leased poll asks the tracker's time before its search and moves the watermark up to it. The
 * engine's clock only says when to ask, never how far the watermark moves. The tracker is asked at
 * most once per overlap, so a connector whose last changes stay in the window costs a leased poll
 * and one request per overlap until they leave it, and then its looks read empty pages. A busy
 * connector's polls skip the look and ask nothing; a tracker that cannot tell is not asked again.
 * Used under the poll's monitor.
 */
final class TrackerClock {
  private static final Logger log = LoggerFactory.getLogger(TrackerClock.class);

  private final String connectorKey;
  private final IssueTracker tracker;
  private final long overlapMillis;
  /** Whether the tracker tells its time; null until asked (a failed ask tells nothing). */
  private Boolean tells;
  /** Whether the next leased poll asks. */
  private boolean askNext;
  /** When (by this node's clock) the tracker was last asked; never yet. */
  private long lastAsked = Long.MIN_VALUE;

  TrackerClock(String connectorKey, IssueTracker tracker, long overlapMillis) {
    this.connectorKey = connectorKey;
    this.tracker = tracker;
    this.overlapMillis = overlapMillis;
  }

  /**
   * A look found the oldest issues of the search all examined before: whether the next leased
   * poll asks the tracker's time, which may move the watermark past them. It does when the
   * oldest of them is an overlap old and the tracker may be asked (see {@link #mayAsk}).
   *
   * @param oldest the oldest update among them
   */
  boolean askNextPoll(long now, long oldest) {
    askNext = mayAsk(now) && now - overlapMillis > oldest;
    return askNext;
  }

  /** The tracker's time, asked before a leased poll's search when its look said so; else empty. */
  OptionalLong beforeSearch(long now) {
    boolean ask = askNext;
    askNext = false;
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
}
