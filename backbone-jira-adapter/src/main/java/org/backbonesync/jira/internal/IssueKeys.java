package org.backbonesync.jira.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jira's issue keys as its answers hold them ({@code PA-12}: a project key, a dash, a number
 * from 1 of at most 18 digits), and Jira's order of them: by project, then by number.
 */
final class IssueKeys {
  private static final Pattern KEY =
      Pattern.compile("([A-Za-z][A-Za-z0-9_]*)-([1-9][0-9]{0,17})");

  private IssueKeys() {}

  /** Whether the text is an issue key. */
  static boolean isKey(String text) {
    return KEY.matcher(text).matches();
  }

  /** Jira's order of keys: by project, then by number; texts that are no keys as strings. */
  static int compare(String a, String b) {
    Matcher x = KEY.matcher(a);
    Matcher y = KEY.matcher(b);
    if (!x.matches() || !y.matches()) {
      return a.compareTo(b);
    }
    int project = x.group(1).compareTo(y.group(1));
    return project != 0 ? project
        : Long.compare(Long.parseLong(x.group(2)), Long.parseLong(y.group(2)));
  }
}
