package org.backbonesync.spi.tracker;

import java.util.List;

/**
 * One page of a change search.
 *
 * @param issues the issues of this page, oldest update first
 * @param nextPageToken what to pass to get the next page of the same search, or null when this is
 *     the last page
 */
public record ChangePage(List<IssueChanges> issues, String nextPageToken) {
  public ChangePage {
    issues = List.copyOf(issues);
    if (nextPageToken != null && nextPageToken.isEmpty()) {
      nextPageToken = null;
    }
  }

  /** Whether another page follows. */
  public boolean hasNext() {
    return nextPageToken != null;
  }
}
