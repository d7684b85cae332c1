package org.backbonesync.core.internal;

import org.backbonesync.spi.SyncException;

/**
 * A JQL text was refused by {@link JqlScope#check(String)}: what the text is, where the check
 * stopped (a 0-based index into it) and why. The message shows the text cut short and escaped
 * ({@link Shown}), so that a long or hostile text cannot flood or forge it.
 */
public final class JqlRefusedException extends SyncException {
  private static final long serialVersionUID = 1L;

  private final String jql;
  private final int position;
  private final String reason;

  JqlRefusedException(String jql, int position, String reason) {
    super(describe(jql, position, reason));
    this.jql = jql;
    this.position = position;
    this.reason = reason;
  }

  /** The text refused, whole. */
  public String jql() {
    return jql;
  }

  /** Where in the text the check stopped, from 0. */
  public int position() {
    return position;
  }

  /** Why, without the text: e.g. {@code a ")" that closes no "("}. */
  public String reason() {
    return reason;
  }

  /** The reason with the position and the text from there on, e.g. for a configuration problem. */
  public String where() {
    return reason + " at position " + position + near(jql, position);
  }

  private static String describe(String jql, int position, String reason) {
    return "jql " + Shown.quoted(jql) + " refused: " + reason + " at position " + position
        + near(jql, position);
  }

  private static String near(String jql, int position) {
    if (jql == null || jql.length() <= Shown.MAX || position >= jql.length()) {
      return ""; // the whole text is shown already, or there is nothing after the position
    }
    int end = Math.min(jql.length(), position + 20);
    return " (here: " + Shown.quoted(jql.substring(position, end))
        + (end < jql.length() ? "...)" : ")");
  }
}
