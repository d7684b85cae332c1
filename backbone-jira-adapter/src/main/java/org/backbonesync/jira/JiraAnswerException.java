package org.backbonesync.jira;

import java.util.Map;
import org.backbonesync.spi.tracker.TrackerException;

/**
 * Jira answered with something the adapter will not use: a body over the size limit, JSON with
 * a duplicate key or nested too deep, an id that is missing, blank or neither a string nor an
 * integer, or a search result that the query excludes (an issue of another project); or a
 * search's page token that no answer of Jira's gave (field {@code pageToken}). Nothing is read
 * from such an answer, so nothing is written because of it. Permanent: the same request gets the
 * same answer.
 */
public final class JiraAnswerException extends TrackerException {
  private static final long serialVersionUID = 1L;

  private final String request;
  private final String field;

  /**
   * @param request the method and path, e.g. {@code GET /rest/api/3/myself}; null when the
   *     answer was read apart from its request
   * @param field the field at fault, e.g. {@code accountId}; null when the whole body is
   */
  public JiraAnswerException(String message, String request, String field, String issueKey) {
    super(message, issueKey, Map.of());
    this.request = request;
    this.field = field;
  }

  /** The method and path of the request, or null. */
  public String request() {
    return request;
  }

  /** The field at fault, or null when the whole body is. */
  public String field() {
    return field;
  }
}
