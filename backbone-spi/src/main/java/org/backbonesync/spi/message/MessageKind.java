package org.backbonesync.spi.message;

/** What an issue synchronization message asks the receiving connector to do. */
public enum MessageKind {
  /**
   * Field values changed on the source issue. The receiver creates the partner issue when it has
   * none yet, then applies the values.
   */
  CHANGE,
  /**
   * Current values sent on an admin's request (a resync), whether or not they changed; applied
   * like {@link #CHANGE}.
   */
  RESYNC,
  /**
   * The sender created {@code sourceIssueKey} as the partner of the receiver's {@code
   * partnerIssueKey}; carries no fields. Lets the receiver fill in its remote issue key.
   */
  PAIRED,
  /**
   * The sender's issue is gone: deleted, moved out of the sender's project, or out of the
   * sender's JQL. The sender's row is unlinked and sends nothing of it again; the receiver
   * unlinks its row too and does with its own issue what its connector's {@code onPartnerGone}
   * says (leave it, mark it, delete it: only for {@code "deleted"}). Carries no fields; {@code
   * content} holds {@code "reason"} ({@code "deleted"}, {@code "notFound"}: not found, but the
   * sender's tracker cannot tell a deletion from an issue hidden from its sync user, {@code
   * "moved"}, {@code "outOfScope"} or {@code "replaced"}: another issue has its key, as after a
   * restore from a backup) and, for a move, {@code "movedTo"} (the new key); a receiver
   * takes a reason it does not know as {@code "outOfScope"}. Format version 5 on.
   *
   * @since 0.1.0
   */
  GONE
}
