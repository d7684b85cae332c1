package org.backbonesync.spi.tracker;

import java.util.List;
import java.util.Objects;

/**
 * An issue found by a change search, with the changelog entries the search asked for and, when
 * the search brought them along whole, the issue's comments and attachments (so that examining a
 * page of changed issues costs no request per issue). The search may lag behind the issue (Jira
 * Cloud's is eventually consistent): comments that look older than what the engine has linked
 * (one missing, one older than its link) are read again with {@link IssueTracker#comments}, and
 * attachments with {@link IssueTracker#attachments} when a linked one is missing.
 *
 * @param issue the issue's current state
 * @param changelog entries oldest first (by timestamp, then id)
 * @param comments all of the issue's comments as of the same snapshot, oldest first; null when
 *     the search did not bring them all (the engine then asks {@link IssueTracker#comments})
 * @param attachments all of the issue's attachments as of the same snapshot; null when the search
 *     did not bring them (the engine then asks {@link IssueTracker#attachments})
 */
public record IssueChanges(TrackedIssue issue, List<ChangelogEntry> changelog,
    List<Comment> comments, List<Attachment> attachments) {
  public IssueChanges {
    Objects.requireNonNull(issue, "issue");
    changelog = List.copyOf(changelog);
    comments = comments == null ? null : List.copyOf(comments);
    attachments = attachments == null ? null : List.copyOf(attachments);
  }

  /** An issue and its changelog entries; comments and attachments are read when needed. */
  public IssueChanges(TrackedIssue issue, List<ChangelogEntry> changelog) {
    this(issue, changelog, null, null);
  }
}
