package org.backbonesync.spi.message;

import org.backbonesync.spi.SyncException;

/** Bytes that are not a message this version of Backbone Sync can read. Permanent. */
public class MessageFormatException extends SyncException {
  private static final long serialVersionUID = 1L;

  public MessageFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
