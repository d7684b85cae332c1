package org.backbonesync.jira;

import java.util.List;
import java.util.Map;
import org.backbonesync.spi.tracker.TrackerException;

/**
 * Jira refused a request for good (a 4xx other than 429 and 409): its error collection, {@code
 * {"errorMessages": [...], "errors": {"field": "message"}}}, as the message and the {@linkplain
 * #fieldErrors() field errors}. Not retried.
 */
public final class JiraException extends TrackerException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final List<String> errorMessages;

  /**
   * @param request the method and path, e.g. {@code PUT /rest/api/3/issue/PA-1} (no query,
   *     which may hold user data)
   */
  public JiraException(String request, int status, List<String> errorMessages,
      Map<String, String> fieldErrors, String issueKey) {
    super(describe(request, status, errorMessages, fieldErrors), issueKey, fieldErrors);
    this.status = status;
    this.errorMessages = List.copyOf(errorMessages);
  }

  private static String describe(String request, int status, List<String> messages,
      Map<String, String> fieldErrors) {
    StringBuilder s = new StringBuilder("Jira refused ").append(request).append(" (HTTP ")
        .append(status).append(')');
    String sep = ": ";
    for (String m : messages) {
      s.append(sep).append(m);
      sep = "; ";
    }
    for (Map.Entry<String, String> e : fieldErrors.entrySet()) {
      s.append(sep).append("field ").append(e.getKey()).append(": ").append(e.getValue());
      sep = "; ";
    }
    return s.toString();
  }

  /** The HTTP status, e.g. 400. */
  public int status() {
    return status;
  }

  /** The messages not tied to a field. */
  public List<String> errorMessages() {
    return errorMessages;
  }
}
