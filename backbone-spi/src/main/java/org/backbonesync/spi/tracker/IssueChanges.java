package org.backbonesync.spi.tracker;

import java.util.List;
import java.util.Objects;

/**
 * An issue found by a change search, with the changelog entries the search asked for.
 *
 * @param issue the issue's current state
 * @param changelog entries oldest first (by timestamp, then id)
 */
public record IssueChanges(TrackedIssue issue, List<ChangelogEntry> changelog) {
  public IssueChanges {
    Objects.requireNonNull(issue, "issue");
    changelog = List.copyOf(changelog);
  }
}
