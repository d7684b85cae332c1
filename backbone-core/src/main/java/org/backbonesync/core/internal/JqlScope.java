package org.backbonesync.core.internal;

import java.util.Locale;
import org.backbonesync.core.AdminException;

/**
 * Combines a connector's JQL with a caller's so that the caller can only narrow it. The caller's
 * JQL is refused unless it is one balanced expression: quotes closed, parentheses never closing
 * more than they opened and all closed, no ORDER BY. Otherwise {@code x = 1) OR (project = B}
 * would escape the parentheses it is put in.
 */
final class JqlScope {
  private JqlScope() {}

  /**
   * @param scope the connector's JQL, or null for the whole project (the tracker adds the project)
   * @param caller the caller's JQL, or null
   * @return the combined JQL, or null when both are null
   * @throws AdminException (400) naming what is wrong with the caller's JQL
   */
  static String narrow(String scope, String caller) {
    if (caller == null) {
      return scope;
    }
    check(caller);
    return scope == null ? "(" + caller + ")" : "(" + scope + ") AND (" + caller + ")";
  }

  private static void check(String jql) {
    int depth = 0;
    char quote = 0;
    StringBuilder outside = new StringBuilder();
    for (int i = 0; i < jql.length(); i++) {
      char c = jql.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        if (--depth < 0) {
          throw refused(jql, "a \")\" at position " + i + " closes a parenthesis it did not open");
        }
      }
      outside.append(quote == 0 ? c : ' ');
    }
    if (quote != 0) {
      throw refused(jql, "a quote is not closed");
    }
    if (depth != 0) {
      throw refused(jql, depth + " parenthesis not closed");
    }
    if (outside.toString().toLowerCase(Locale.ROOT).matches("(?s).*\\border\\s+by\\b.*")) {
      throw refused(jql, "ORDER BY is not allowed");
    }
  }

  private static AdminException refused(String jql, String why) {
    return new AdminException(400, "jql \"" + jql + "\" refused: " + why
        + "; it must be one condition that narrows the synchronization's JQL");
  }
}
