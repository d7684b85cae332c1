package org.backbonesync.transport;

import org.backbonesync.spi.SyncException;

/**
 * The content of an attachment refused by a transport, before it was read or as soon as it
 * broke a limit, with the reason and the field and value that broke it. Permanent: the attachment
 * operation fails, and its message stays in the inbox for an admin to retry or skip.
 */
public final class ContentRefusedException extends SyncException {
  private static final long serialVersionUID = 1L;

  /** Why an attachment's content is refused. */
  public enum Reason {
    /** Larger than this side's {@code maxAttachmentBytes}. */
    TOO_LARGE,
    /** Not announced to this side in an {@code add} of the synchronization (or long ago). */
    NOT_ANNOUNCED,
    /** The partner refused the request: a bad signature, another key, not its partner. */
    REFUSED_BY_PARTNER,
    /** The content's size is not the one announced. */
    SIZE_MISMATCH,
    /** Not a regular file: a symbolic link, a FIFO or a folder (file drop). */
    NOT_A_FILE
  }

  private final Reason reason;
  private final String field;
  private final String value;

  /**
   * A refusal; the message must not hold secrets.
   *
   * @param field the field that broke the rule (e.g. {@code size}, {@code attachmentId})
   * @param value its value, as text
   */
  public ContentRefusedException(Reason reason, String field, String value, String message) {
    super(reason + ": " + field + " " + Envelopes.printable(value) + ": " + message);
    this.reason = reason;
    this.field = field;
    this.value = value;
  }

  /** Why. */
  public Reason reason() {
    return reason;
  }

  /** The field that broke the rule. */
  public String field() {
    return field;
  }

  /** Its value, as text. */
  public String value() {
    return value;
  }
}
