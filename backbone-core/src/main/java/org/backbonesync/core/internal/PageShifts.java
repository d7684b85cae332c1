package org.backbonesync.core.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.tracker.IssueChanges;

/**
 * Tells, from the pages of one change search, from when the search may have skipped issues.
 * A tracker that pages by offset (Jira Server's {@code startAt}, the test kit's tracker) answers
 * each page from the order as it is then: an issue read on an earlier page and updated before a
 * later page is asked (by an apply, or a person) moves to the end of the order, every issue after
 * it one place back, and the issue at the next page's boundary is on no page read. The issue
 * that moved is found again on a later page of the same search: from the first page that held
 * it on, a boundary may have been crossed so, and a skipped issue's update is no older than that
 * page's newest. The poll holds its watermark there ({@link PollProgress#leaveFrom}), so the
 * next poll reads those issues again (those read already queue nothing twice). A tracker whose
 * pages follow the order from where the last one ended shows no issue twice, and costs nothing.
 * Used by one poll's thread.
 */
final class PageShifts {
  /** Each issue's first page in this search. */
  private final Map<String, Integer> firstPage = new HashMap<>();
  /** The newest update on each page read so far. */
  private final List<Long> newest = new ArrayList<>();

  /**
   * Takes the next page of the search.
   *
   * @return the time from which the search may have skipped issues, or {@link Long#MAX_VALUE}
   *     when this page shows no shift
   */
  long read(List<IssueChanges> page) {
    int at = newest.size();
    long skippedFrom = Long.MAX_VALUE;
    long pageNewest = Long.MIN_VALUE;
    for (IssueChanges changes : page) {
      Integer first = firstPage.putIfAbsent(changes.issue().key(), at);
      if (first != null && first < at) {
        skippedFrom = Math.min(skippedFrom, newest.get(first));
      }
      pageNewest = Math.max(pageNewest, changes.issue().updated());
    }
    newest.add(pageNewest);
    return skippedFrom;
  }
}
