package org.backbonesync.core;

import java.util.List;
import org.backbonesync.spi.SyncException;

/**
 * An admin request was refused. {@link #status()} is the HTTP status a REST layer should answer
 * (400 bad request, 403 not allowed, 404 unknown connector, task or entry, 409 an import that lost
 * a race or a pair taken back while steps kept writing it, 413 a body over a limit, 503 a tracker
 * that could not be asked or an engine that is closed: try again later); {@link #problems()}
 * lists every problem of a request body that has several (an import), each with its JSON path.
 */
public final class AdminException extends SyncException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient List<ConfigurationProblem> problems;

  /** A refusal with one message. */
  public AdminException(int status, String message) {
    this(status, message, List.of());
  }

  /** A refusal with a message and the problems behind it. */
  public AdminException(int status, String message, List<ConfigurationProblem> problems) {
    super(message);
    this.status = status;
    this.problems = List.copyOf(problems);
  }

  /** The HTTP status for a REST layer, e.g. 400, 403 or 404. */
  public int status() {
    return status;
  }

  /** Every problem with its JSON path (e.g. {@code $[2].localIssueKey}); may be empty. */
  public List<ConfigurationProblem> problems() {
    return problems;
  }
}
