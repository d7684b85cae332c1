package org.backbonesync.transport;

import org.backbonesync.spi.SyncException;

/** An envelope refused before anything in it was stored, with the reason. Not retried as is. */
public final class EnvelopeRejectedException extends SyncException {
  private static final long serialVersionUID = 1L;

  /** Why an envelope is refused. */
  public enum Reason {
    /** Larger than the configured maximum. */
    TOO_LARGE,
    /** Not an envelope: no header line, cut short, not JSON, or missing properties. */
    MALFORMED,
    /** Signed with a key id this side does not have. */
    UNKNOWN_KEY,
    /** The signature does not match: altered, or signed with another secret. */
    BAD_SIGNATURE,
    /** For another synchronization. */
    WRONG_SYNCHRONIZATION,
    /** From or to a connector that is not this side's partner or this side. */
    NOT_PARTNER,
    /** Its timestamp is outside the accepted window: a replay, or a clock far off. */
    STALE,
    /** Beyond a shape limit: too many messages, nested too deep, a string too long. */
    LIMIT,
    /** An envelope already taken (a file delivered twice, a request replayed). */
    DUPLICATE,
    /** Not a regular file: a symbolic link, a FIFO, a device or a folder (file drop). */
    NOT_A_FILE,
    /**
     * Not read now: other envelopes being read hold as many bytes as the handler takes at once
     * (HTTP 503). Nothing is wrong with it; the sender sends it again later.
     */
    BUSY
  }

  private final Reason reason;

  /** A refusal; the message must not hold secrets. */
  public EnvelopeRejectedException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  /** Why. */
  public Reason reason() {
    return reason;
  }
}
