package org.backbonesync.jira;

import java.util.Map;
import org.backbonesync.spi.tracker.TrackerException;

/**
 * A redirect the adapter refused to follow. Credentials go only to the site's origin (scheme,
 * host and port): API requests never follow a redirect, and a download follows one to another
 * origin without them, but never from https to anything else, never in a loop and never more
 * than a few hops. Permanent: the same request would be redirected the same way.
 *
 * <p>The URLs are given as they may be printed: without a user part, a query or a fragment,
 * the request's credentials blotted out (a Location may echo them in its path or host), control
 * characters escaped.
 */
public final class JiraRedirectException extends TrackerException {
  private static final long serialVersionUID = 1L;

  /** Why the redirect was refused. */
  public enum Reason {
    /** From https to plain http (or any other scheme): content and credentials in clear text. */
    DOWNGRADE,
    /** An API request was redirected; they are not followed (the site URL is out of date). */
    API_REQUEST,
    /** A 3xx without a Location header, or with one that is not an http(s) URL. */
    NO_LOCATION,
    /** Back to a URL already visited in the same chain. */
    LOOP,
    /** More hops than the adapter follows. */
    TOO_MANY
  }

  private final Reason reason;
  private final int status;
  private final String from;
  private final String to;

  /**
   * @param message what happened, naming both URLs as they may be printed
   * @param from the URL that answered with the redirect, as it may be printed
   * @param to where it sent the request, as it may be printed; null when it named no place
   */
  public JiraRedirectException(String message, Reason reason, int status, String from, String to,
      String issueKey) {
    super(message, issueKey, Map.of());
    this.reason = reason;
    this.status = status;
    this.from = from;
    this.to = to;
  }

  /** Why it was refused. */
  public Reason reason() {
    return reason;
  }

  /** The HTTP status of the redirect, e.g. 302. */
  public int status() {
    return status;
  }

  /** The URL redirected from, without a user part, query or fragment. */
  public String from() {
    return from;
  }

  /** The URL redirected to, without a user part, query or fragment; null when none was named. */
  public String to() {
    return to;
  }
}
