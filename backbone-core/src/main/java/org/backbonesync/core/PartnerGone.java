package org.backbonesync.core;

import org.backbonesync.core.internal.Shown;

/**
 * What a connector does with its own issue when the partner issue of a pair is gone (deleted on
 * the other side, or moved out of the other connector's project): the pair is unlinked in any
 * case (both rows ignore the other's changes); the issue is left as it is, marked, or deleted.
 *
 * @param action what happens to the issue
 * @param label for {@link Action#MARK}: the label added to the issue
 * @param comment for {@link Action#MARK}: the comment added, in which {@code {partner}} stands for
 *     the partner issue's key and {@code {reason}} for "deleted", "not found (deleted, or hidden
 *     from the sync user)", "moved to KEY", "replaced by another issue under its key" or "taken
 *     out of the synchronization"
 * @since 0.1.0
 */
public record PartnerGone(Action action, String label, String comment) {
  /** The label {@link #mark()} adds. */
  public static final String DEFAULT_LABEL = "sync-partner-gone";

  /** The comment {@link #mark()} adds. */
  public static final String DEFAULT_COMMENT =
      "The synced partner issue {partner} was {reason}; this issue is no longer synced.";

  /** What happens to the issue whose partner is gone. */
  public enum Action {
    /** Nothing: the issue stays as it is, only the pair is unlinked (the default). */
    LEAVE,
    /** A comment and a label say that the partner is gone. */
    MARK,
    /**
     * The issue is deleted too (a tracker refuses an issue with sub-tasks). Only when the partner
     * was deleted, as its tracker confirms: one moved to another project (or whose project's key
     * was renamed, which looks the same), or only not found (Jira answers an issue hidden from
     * the sync user as it answers a deleted one), is answered by {@link #MARK} with the default
     * label and comment.
     */
    DELETE
  }

  public PartnerGone {
    Checks.notNull("action", action);
    if (action == Action.MARK) {
      Checks.name("label", label); // (Jira's labels: at most 255 characters)
      Checks.notBlank("comment", comment);
      if (label.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("label must have no spaces (a Jira label has none), was "
            + Shown.quoted(label));
      }
    } else {
      label = null;
      comment = null;
    }
  }

  /** Leaves the issue as it is: the default. */
  public static PartnerGone leave() {
    return new PartnerGone(Action.LEAVE, null, null);
  }

  /** Marks the issue with {@link #DEFAULT_LABEL} and {@link #DEFAULT_COMMENT}. */
  public static PartnerGone mark() {
    return new PartnerGone(Action.MARK, DEFAULT_LABEL, DEFAULT_COMMENT);
  }

  /** Deletes the issue. */
  public static PartnerGone delete() {
    return new PartnerGone(Action.DELETE, null, null);
  }
}
