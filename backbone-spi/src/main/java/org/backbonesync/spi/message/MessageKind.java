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
  PAIRED
}
