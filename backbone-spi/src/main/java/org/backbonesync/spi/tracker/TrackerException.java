package org.backbonesync.spi.tracker;

import java.util.Map;
import org.backbonesync.spi.SyncException;

/**
 * The tracker refused an operation and will refuse it again (a field it rejects, an issue that
 * does not exist, a transition that is not available). Carries the tracker's per-field errors.
 */
public class TrackerException extends SyncException {
  private static final long serialVersionUID = 1L;

  private final transient Map<String, String> fieldErrors;

  /**
   * @param issueKey the issue concerned, or null
   * @param fieldErrors field id to the tracker's error text; may be empty
   */
  public TrackerException(String message, String issueKey, Map<String, String> fieldErrors) {
    super(message, null, null, issueKey, null);
    this.fieldErrors = Map.copyOf(fieldErrors);
  }

  /** Field id to the tracker's error text for that field; empty when it named none. */
  public Map<String, String> fieldErrors() {
    return fieldErrors;
  }
}
