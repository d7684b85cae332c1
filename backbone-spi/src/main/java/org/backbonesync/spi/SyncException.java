package org.backbonesync.spi;

import java.util.Objects;

/**
 * The root of every exception Backbone Sync throws or expects from a port implementation.
 *
 * <p>A plain {@code SyncException} is permanent: retrying the same operation with the same input
 * fails the same way (a field the tracker rejects, a message in an unknown format). A transient
 * failure is a {@link RetriableException}. Where they are known, the connector key, issue key and
 * field mapping id are carried as fields so that hosts can report them without parsing messages.
 * Messages never contain secrets.
 */
public class SyncException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String connectorKey;
  private final String issueKey;
  private final String fieldMappingId;

  /** A permanent failure with a message and no context. */
  public SyncException(String message) {
    this(message, null, null, null, null);
  }

  /** A permanent failure with a message and a cause. */
  public SyncException(String message, Throwable cause) {
    this(message, cause, null, null, null);
  }

  /**
   * A permanent failure with its context.
   *
   * @param connectorKey the connector it happened in, or null
   * @param issueKey the issue it concerns, or null
   * @param fieldMappingId the field mapping involved, or null
   */
  public SyncException(
      String message, Throwable cause, String connectorKey, String issueKey, String fieldMappingId) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.connectorKey = connectorKey;
    this.issueKey = issueKey;
    this.fieldMappingId = fieldMappingId;
  }

  /** The connector the failure happened in, or null when not known. */
  public String connectorKey() {
    return connectorKey;
  }

  /** The issue the failure concerns, or null when not known. */
  public String issueKey() {
    return issueKey;
  }

  /** The field mapping involved, or null when not known. */
  public String fieldMappingId() {
    return fieldMappingId;
  }

  /** Whether trying again later may succeed; true only for {@link RetriableException}. */
  public boolean isRetriable() {
    return false;
  }
}
