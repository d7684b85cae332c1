package org.backbonesync.spi.store;

import org.backbonesync.spi.SyncException;

/** A sync information row would pair an issue that is already paired in that connector. */
public class DuplicateSyncInfoException extends SyncException {
  private static final long serialVersionUID = 1L;

  public DuplicateSyncInfoException(String message, String connectorKey, String issueKey) {
    super(message, null, connectorKey, issueKey, null);
  }
}
