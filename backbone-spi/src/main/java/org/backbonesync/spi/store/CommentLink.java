package org.backbonesync.spi.store;

import java.util.Objects;

/**
 * Links a comment of a synced issue to its partner comment, so that an edit or a deletion reaches
 * the right one and a resync or a retry never copies a comment twice.
 *
 * @param localId the comment's id on this connector's issue
 * @param remoteId the partner comment's id, or null while the partner has not said it (a comment
 *     this side sent)
 * @param localUpdated the comment's update time when it was last synced; a later one is an edit
 * @param bodyHash a hash of the comment's body when it was last synced; another body is an edit
 *     even within the same millisecond
 * @param carried whether the comment is a copy the sync wrote here of a comment of a partner issue
 *     that a Jira site restore lost, sent since to the new partner as this side's own: a
 *     whole sends it as this side's comments, and a partner's whole does not delete it (since
 *     0.1.0; false for the links of before)
 */
public record CommentLink(String localId, String remoteId, long localUpdated, String bodyHash,
    boolean carried) {
  public CommentLink {
    Objects.requireNonNull(localId, "localId");
  }

  /** A link of a comment that is not {@link #carried()}. */
  public CommentLink(String localId, String remoteId, long localUpdated, String bodyHash) {
    this(localId, remoteId, localUpdated, bodyHash, false);
  }
}
