package org.backbonesync.jira.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.util.function.UnaryOperator;

/**
 * Why a request got no answer, for an exception's message and the log: the origin it went to
 * (scheme, host and port; never a user part, path or query), so that an operator with several
 * sites can tell which one failed, and the cause in the JDK's words, e.g. {@code failed on
 * https://jira.example.com (IOException: HTTP/1.1 header parser received no bytes)}. The cause's
 * text has the request's credentials blotted out, as Jira's own error text has ({@code
 * Secrets.scrub}), and its query (JQL with user data, a signed token) and user part too, control
 * characters escaped, cut short.
 */
final class NoAnswer {
  /** The most characters of the cause's text shown. */
  private static final int MAX_CAUSE = 200;
  /** How far down the chain of causes a text is looked for. */
  private static final int MAX_DEPTH = 8;

  private NoAnswer() {}

  /**
   * @param uri the request's URL (the origin of a download redirected elsewhere is that one's)
   * @param scrub blots the request's credentials out of a text
   */
  static String why(IOException e, URI uri, UnaryOperator<String> scrub) {
    String origin = scrub.apply(JiraUrls.origin(uri)); // a Location's host may carry a secret
    if (e instanceof HttpTimeoutException) {
      return "timed out on " + origin;
    }
    return "failed on " + origin + " (" + cause(e, uri, scrub) + ")";
  }

  /** The exception's class and the first text in its chain (the JDK often wraps one). */
  private static String cause(IOException e, URI uri, UnaryOperator<String> scrub) {
    String text = null;
    Throwable t = e;
    for (int depth = 0; t != null && text == null && depth < MAX_DEPTH; depth++) {
      text = t.getMessage() == null || t.getMessage().isBlank() ? null : t.getMessage();
      t = t.getCause();
    }
    String name = e.getClass().getSimpleName();
    if (text == null) {
      // JDK 17's client says nothing of a refused connection: ConnectException(null)
      return e instanceof ConnectException ? name + ": could not connect" : name;
    }
    return name + ": " + cleaned(text, uri, scrub);
  }

  private static String cleaned(String text, URI uri, UnaryOperator<String> scrub) {
    String out = scrub.apply(text).replace(uri.toString(), JiraUrls.shown(uri));
    for (String part : new String[] {uri.getRawQuery(), uri.getQuery(), uri.getRawUserInfo(),
        uri.getUserInfo()}) {
      if (part != null && !part.isEmpty()) {
        out = out.replace(part, "…");
      }
    }
    StringBuilder shown = new StringBuilder();
    for (int i = 0; i < out.length() && shown.length() < MAX_CAUSE; i++) {
      char c = out.charAt(i);
      shown.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c)
          : String.valueOf(c));
    }
    return shown.length() < out.length() ? shown + "…" : shown.toString();
  }
}
